import type { Command } from "commander";
import { resolve } from "node:path";
import { annotationsByCriterion, judgementsPath, readAnnotations, readJudgements } from "../../judge/agreement-file";
import { annotatorAgreement, type CriterionAgreement, type Kappas, type MeanKappa } from "../../judge/kappa";
import { combinedVerdicts, scoreJudgements } from "../../judge/scores";
import { resultsRoot } from "../../runner/results";
import { emit } from "../output";

export interface AgreementSummary {
  human: string;
  /** The judgements file read, when --judge was given. */
  judge: string | null;
  annotations: number;
  annotators: string[];
  criteria: Record<string, CriterionAgreement & { judgeMissing?: number }>;
}

const fmt = (k: number | null): string => (k === null ? "—" : k.toFixed(3));
/** "linear / quadratic (pairs with a κ of pairs; items each pair shares)". */
const pair = (m: MeanKappa | undefined, ks: Record<string, Kappas> | undefined): string =>
  m
    ? `${fmt(m.linear)} / ${fmt(m.quadratic)} (${m.pairs} of ${m.of}; n ${
        Object.values(ks ?? {})
          .map((k) => k.n)
          .join(", ") || 0
      })`
    : "";

function human(s: AgreementSummary): string {
  const lines = [`${s.annotations} annotations by ${s.annotators.length} annotator(s) in ${s.human}${s.judge ? `; judge: ${s.judge}` : ""}`, ""];
  const head = ["criterion", "items", ...(s.judge ? ["judge–human κ linear / quadratic (pairs; n)"] : []), "human–human κ linear / quadratic (pairs; n)"];
  const rows = Object.values(s.criteria).map((c) => [
    c.criterion,
    String(c.items),
    ...(s.judge ? [pair(c.judgeHuman?.mean, c.judgeHuman?.perAnnotator)] : []),
    pair(c.humanHuman.mean, c.humanHuman.pairs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows])
    lines.push(
      r
        .map((x, i) => x.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    );
  for (const c of Object.values(s.criteria)) {
    const notes = [
      c.judgeHuman?.mean.reason && `judge–human: ${c.judgeHuman.mean.reason}`,
      c.humanHuman.mean.reason && `human–human: ${c.humanHuman.mean.reason}`,
      c.judgeMissing ? `${c.judgeMissing} annotated item(s) have no judge verdict (not judged, or unparsed)` : "",
    ].filter(Boolean);
    for (const n of notes) lines.push(`${c.criterion}: ${n}`);
  }
  lines.push(
    "",
    `Weighted Cohen's κ on loss < tie < win, mean over rater pairs with a defined κ${s.judge ? "; the judge's verdict is its two orders combined (win if (s1+s2)/2 > 0.5, tie if = 0.5, loss if < 0.5)" : ""}.`,
  );
  return lines.join("\n");
}

export function register(program: Command): void {
  program
    .command("agreement")
    .description("judge–human and human–human agreement (weighted Cohen's κ, linear and quadratic) per criterion, from human annotations")
    .requiredOption("--human <file>", "CSV with columns item, annotator, criterion, verdict (win/tie/loss, or A/B/tie with a candidate column A/B)")
    .option("--judge <run>", "judge run id (under --results), its folder, or a judgements .jsonl file")
    .option("--results <dir>", "results root holding run folders (default: SVLAB_RESULTS or ./results)")
    .option("--json", "print JSON")
    .action((opts: { human: string; judge?: string; results?: string; json?: boolean }) => {
      const file = resolve(opts.human);
      const annotations = readAnnotations(file);
      const judgeFile = opts.judge ? judgementsPath(opts.judge, resultsRoot(opts.results)) : null;
      const judge = judgeFile ? combinedVerdicts(scoreJudgements(readJudgements(judgeFile), { bootstrap: 0 })) : undefined;
      const humans = annotationsByCriterion(annotations);
      const criteria: AgreementSummary["criteria"] = {};
      for (const c of annotatorAgreement(humans, judge)) {
        const row: AgreementSummary["criteria"][string] = c;
        if (judge) {
          const items = new Set([...humans.get(c.criterion)!.values()].flatMap((m) => [...m.keys()]));
          const verdicts = judge.get(c.criterion);
          row.judgeMissing = [...items].filter((i) => !verdicts?.has(i)).length;
        }
        criteria[c.criterion] = row;
      }
      const summary: AgreementSummary = {
        human: file,
        judge: judgeFile,
        annotations: annotations.length,
        annotators: [...new Set(annotations.map((a) => a.annotator))].sort(),
        criteria,
      };
      emit(summary, opts.json, human);
    });
}
