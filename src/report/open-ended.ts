/**
 * The report's open-ended section: one row per judge run under the results root (svlab judge),
 * the candidate's win rate against the reference per criterion, with its tie rate, position
 * consistency and unreadable verdicts. Empty (no section) when there is no judge run.
 */
import { judgeScores, listJudgeRuns, readJudgeRun } from "../judge/run";
import type { Table } from "./tables";

const f3 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(3));

export interface OpenEndedSection {
  /** The section's tables (none when there is no judge run). */
  tables: Table[];
  /** One sentence per judge run, for the findings-style list under the heading. */
  notes: string[];
}

/** The open-ended section from the judge runs under `root` (default SVLAB_RESULTS or ./results). */
export async function openEndedSection(root?: string, opts: { bootstrap?: number } = {}): Promise<OpenEndedSection> {
  const runs = await listJudgeRuns(root);
  if (!runs.length) return { tables: [], notes: [] };
  const criteria = [...new Set(runs.flatMap((r) => r.manifest.criteria))];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const r of runs) {
    const run = await readJudgeRun(r.dir);
    const m = run.manifest;
    const s = judgeScores(run.judgements, m.criteria, undefined, opts).criteria;
    const first = m.criteria[0];
    rows.push([
      m.candidate.model,
      m.reference.model,
      m.judge,
      m.status,
      String(m.counts.items),
      ...criteria.map((c) => (s[c] ? `${f3(s[c].winRate)}${Number.isFinite(s[c].ci[0]) ? ` [${f3(s[c].ci[0])}, ${f3(s[c].ci[1])}]` : ""} (n ${s[c].n})` : "—")),
      f3(s[first]?.tieRate),
      f3(s[first]?.positionConsistency),
      String(m.counts.unparsed + m.counts.errors),
    ]);
    if (m.status !== "completed") notes.push(`Judge run ${m.judgeRunId} is ${m.status}: rerun the same svlab judge command to finish it.`);
  }
  return {
    tables: [
      {
        title: "Open-ended answers: win rate against the reference (pairwise LLM judge)",
        note: `Each item judged twice, the candidate's answer shown as A and then as B; win 1, tie 0.5, loss 0; WR = mean over items of (s1 + s2) / 2, so the reference scores 0.5 by construction. Brackets: 95% bootstrap interval over questions. Items with an unreadable verdict in either order are left out of that criterion's n (and counted as unreadable, never as ties). Ties and position consistency are for "${criteria[0]}", over its scored items.`,
        headers: ["candidate", "reference", "judge", "status", "items", ...criteria.map((c) => `WR ${c}`), "ties", "position-consistent", "unreadable or failed"],
        rows,
      },
    ],
    notes,
  };
}
