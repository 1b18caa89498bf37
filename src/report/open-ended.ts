/**
 * The report's open-ended section: one row per judge run under the results root (svlab judge),
 * the candidate's win rate against the reference per criterion, with its tie rate, position
 * consistency and unreadable verdicts. Empty (no section) when there is no judge run.
 */
import { listJudgeRuns, readJudgeRun, type JudgeRunManifest } from "../judge/files";
import { judgeScores } from "../judge/run";
import { compareScores, type JudgeScores } from "../judge/scores";
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
  const scored: Array<{ m: JudgeRunManifest; scores: JudgeScores }> = [];
  for (const r of runs) {
    const run = await readJudgeRun(r.dir);
    const m = run.manifest;
    const all = judgeScores(run.judgements, m.criteria, undefined, opts);
    if (m.status === "completed") scored.push({ m, scores: all });
    const s = all.criteria;
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
  const tables: Table[] = [
    {
      title: "Open-ended answers: win rate against the reference (pairwise LLM judge)",
      note: `Each item judged twice, the candidate's answer shown as A and then as B; win 1, tie 0.5, loss 0; WR = mean over items of (s1 + s2) / 2, so the reference scores 0.5 by construction. Brackets: 95% bootstrap interval over questions. Items with an unreadable verdict in either order are left out of that criterion's n (and counted as unreadable, never as ties). Ties and position consistency are for "${criteria[0]}", over its scored items.`,
      headers: ["candidate", "reference", "judge", "status", "items", ...criteria.map((c) => `WR ${c}`), "ties", "position-consistent", "unreadable or failed"],
      rows,
    },
  ];
  const tuned = baseTunedTable(scored, criteria, opts);
  if (tuned) tables.push(tuned);
  return { tables, notes };
}

/**
 * Base vs tuned (the paper: +1.1 points Overall, +2.2 Value, averaged over seven open models): judge
 * runs whose candidate was tuned from another judge run's candidate, against the same reference and
 * judge. Null when there is no such pair.
 */
export function baseTunedTable(runs: Array<{ m: JudgeRunManifest; scores: JudgeScores }>, criteria: string[], opts: { bootstrap?: number } = {}): Table | null {
  const pairs: Array<{ base: (typeof runs)[number]; tuned: (typeof runs)[number] }> = [];
  for (const t of runs) {
    if (!t.m.candidate.tunedFrom) continue;
    // the newest matching base run
    const base = runs
      .filter((b) => b.m.candidate.model === t.m.candidate.tunedFrom && b.m.reference.model === t.m.reference.model && b.m.judge === t.m.judge)
      .at(-1);
    if (base) pairs.push({ base, tuned: t });
  }
  if (!pairs.length) return null;
  const cs = criteria.filter((c) => pairs.every((p) => p.base.m.criteria.includes(c) && p.tuned.m.criteria.includes(c)));
  const one = (ps: typeof pairs) =>
    compareScores(
      ps.map((p) => p.base.scores),
      ps.map((p) => p.tuned.scores),
      { criteria: cs, ...(opts.bootstrap !== undefined ? { bootstrap: opts.bootstrap } : {}) },
    );
  const row = (label: string, cmp: ReturnType<typeof one>) => [
    label,
    ...cs.flatMap((c) => {
      const x = cmp.criteria[c];
      const ci = Number.isFinite(x.ci[0]) ? ` [${(100 * x.ci[0]).toFixed(1)}, ${(100 * x.ci[1]).toFixed(1)}]` : "";
      return [`${f3(x.base)} → ${f3(x.tuned)}`, `${x.difference >= 0 ? "+" : ""}${(100 * x.difference).toFixed(1)}${ci}`];
    }),
  ];
  const out = pairs.map((p) => row(`${p.tuned.m.candidate.model} (from ${p.base.m.candidate.model})`, one([p])));
  if (pairs.length > 1) out.push(row(`mean over ${pairs.length} models`, one(pairs)));
  return {
    title: "Open-ended answers: base → tuned win rates",
    note: "On the items scored in both judge runs (same reference, same judge); Δ in points (×100) with a paired 95% bootstrap interval over questions. The paper: +1.1 points Overall, +2.2 Value (mean over seven open models).",
    headers: ["model", ...cs.flatMap((c) => [`WR ${c}`, `Δ ${c} (points)`])],
    rows: out,
  };
}
