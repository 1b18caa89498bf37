/**
 * The report's tables, as plain header + string rows, built from a ResultsAnalysis. Markdown and
 * HTML renderers both consume these, and notebooks can show them as they are.
 */
import type { Estimate } from "../metrics/index";
import { attributeLabel, levelPercent, subgroupLabel, valueLabel } from "../figures/results-labels";
import { builtInBaseline, overallSkill, type ResultsAnalysis } from "./analysis";

export interface Table {
  title: string;
  note?: string;
  headers: string[];
  rows: string[][];
}

export const f3 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(3));
const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? "+" : ""}${x.toFixed(3)}` : "—");
export const withCi = (e: Estimate | undefined, value?: number) =>
  e ? `${f3(e.value)} [${f3(e.lo)}, ${f3(e.hi)}]` : f3(value);
const pv = (p: number) => (Number.isNaN(p) ? "—" : p < 0.001 ? "<0.001" : p.toFixed(3));
/** "95%" from the analysis' confidence level. */
export const levelText = (a: ResultsAnalysis) => levelPercent(a.options.level);

/** "10177", or "200 of 10177" for a run that covers part of the split. */
function coverageText(n: number, expected: number): string {
  return n === expected ? String(n) : `${n} of ${expected}`;
}

export function mainTable(a: ResultsAnalysis): Table {
  const national = builtInBaseline(a);
  const partial = a.models.some((m) => m.evaluation.n !== m.evaluation.coverage.expected);
  return {
    title: `Main results (${a.split.toUpperCase()} split)`,
    note:
      `Micro averages over (question, subgroup) pairs with ${levelText(a)} bootstrap CIs (${a.options.bootstrap} resamples of questions, seed ${a.options.seed}); ` +
      "macro = mean over subgroups. Unparseable or refused answers count as wrong (NMAE error 1). " +
      (partial ? "Pairs \"n of N\": the run covers n of the split's N pairs and its scores are over those n. " : "") +
      (national ? `Skill = (model − ${national.label}) / (perfect − ${national.label}), with the ${national.label} rescored on exactly the model's pairs.` : ""),
    headers: ["Model", "Kind", "Pairs", "Accuracy ↑", "NMAE ↓", "Macro acc.", "Macro NMAE", "Parsed", "Refused", ...(national ? ["Skill acc.", "Skill NMAE"] : [])],
    rows: a.models.map((m) => {
      const e = m.evaluation;
      const s = national && m !== national ? overallSkill(a, m.label, national.label)?.rows[0] : undefined;
      return [
        m.label, m.kind === "baseline" ? "baseline" : "LLM run", coverageText(e.n, e.coverage.expected), withCi(e.ci?.accuracy, e.accuracy), withCi(e.ci?.nmae, e.nmae),
        f3(e.macro.accuracy), f3(e.macro.nmae), f3(e.parsed), f3(e.refused),
        ...(national ? (m === national ? ["ref.", "ref."] : [signed(s?.skill.accuracy ?? NaN), signed(s?.skill.nmae ?? NaN)]) : []),
      ];
    }),
  };
}

export function attributeTables(a: ResultsAnalysis, metric: "accuracy" | "nmae"): Table[] {
  return a.attributes.map((attr) => {
    const values = [...new Set(a.models.flatMap((m) => Object.keys(m.byAttribute[attr]?.metrics[metric]?.groups ?? {})))].sort((x, y) => x.localeCompare(y, "en", { numeric: true }));
    // Subgroups and pairs of the whole split (a built-in baseline covers it all); a run with fewer
    // pairs is scored on its own (its coverage is in the main table).
    const full = a.models.find((m) => m.builtIn) ?? a.models[0];
    const pairs = full?.frame.byGroup(metric, `attribute:${attr}`) ?? [];
    return {
      title: `${metric === "accuracy" ? "Accuracy" : "NMAE"} by ${attributeLabel(attr).toLowerCase()}`,
      note: `Each value pools every subgroup of the split that contains it; ${levelText(a)} bootstrap CIs over questions. Subgroups and pairs: the whole split; a run covering fewer pairs is scored on its own pairs (main table).`,
      headers: [attributeLabel(attr), "Subgroups", "Pairs (split)", ...a.models.map((m) => m.label)],
      rows: values.map((v) => {
        const r = pairs.find((p) => p.group === v);
        return [valueLabel(v), String(r?.subgroups ?? ""), String(r?.pairs ?? ""), ...a.models.map((m) => withCi(m.byAttribute[attr]?.metrics[metric]?.groups[v]))];
      }),
    };
  });
}

export function fairnessTable(a: ResultsAnalysis): Table {
  return {
    title: "Fairness across subgroups",
    note: `Normalised range = (max − min)/max; CV = σ/μ with the population σ (the subgroups are all there are). For NMAE, max is the worst subgroup. ${levelText(a)} bootstrap CIs.`,
    headers: ["Model", "Acc. norm. range", "Acc. CV", "NMAE norm. range", "NMAE CV", "Worst subgroup (acc.)", "Worst acc."],
    rows: a.models.map((m) => {
      const acc = m.bySubgroup.metrics.accuracy!.disparity;
      const nm = m.bySubgroup.metrics.nmae!.disparity;
      const d = m.evaluation.disparity.accuracy;
      return [m.label, withCi(acc.normalisedRange), withCi(acc.cv), withCi(nm.normalisedRange), withCi(nm.cv), subgroupLabel(d.worstGroup), f3(d.worst)];
    }),
  };
}

export function gapTestTable(a: ResultsAnalysis): Table {
  return {
    title: "Largest attribute gaps: do an attribute's values differ beyond chance?",
    note:
      "Accuracy. Statistic: best − worst value (max − min). p: seeded permutation test that shuffles the values' per-question scores within each question and recomputes max − min, " +
      "so picking the best and worst from the data is accounted for. Baselines show the gap the data alone produces.",
    headers: ["Model", "Attribute", "Values", "Best", "Worst", "Best − worst", "p (max − min)"],
    rows: a.models.flatMap((m) => m.gapTests.map((t) => [m.label, attributeLabel(t.by.replace("attribute:", "")), String(t.groups), `${valueLabel(t.best)} (${f3(t.valueBest)})`, `${valueLabel(t.worst)} (${f3(t.valueWorst)})`, signed(t.valueBest - t.valueWorst), pv(t.p)])),
  };
}

/** "Model vs baseline, per group" at attribute-value level (the subgroup level is in the JSON). */
export function skillTables(a: ResultsAnalysis): Table[] {
  return a.skill
    .filter((s) => s.by.startsWith("attribute:"))
    .map((s) => ({
      title: `${s.model} vs the ${s.baseline}, by ${attributeLabel(s.by.slice(10)).toLowerCase()}`,
      note:
        `Skill = (model − baseline)/(perfect − baseline): > 0 adds to what the baseline gets from the data alone. A group gap the baseline shows too is explained by the data. ` +
        `Both scored on the model's ${s.pairs.shared} pairs` + (s.pairs.onlyAfter ? ` (the baseline rescored on them; ${s.pairs.onlyAfter} split pairs the model did not answer are left out).` : "."),
      headers: ["Group", "Pairs", "Model acc.", "Baseline acc.", "Skill acc.", "Model NMAE", "Baseline NMAE", "Skill NMAE"],
      rows: s.rows.map((r) => [valueLabel(r.group), String(r.pairs), f3(r.model.accuracy), f3(r.baseline.accuracy), signed(r.skill.accuracy!), f3(r.model.nmae), f3(r.baseline.nmae), signed(r.skill.nmae!)]),
    }));
}

export function comparisonTables(a: ResultsAnalysis): Table[] {
  return a.comparisons.map((c) => ({
    title: `${c.before} → ${c.after}`,
    note:
      `On the ${c.accuracy.pairs.shared} (question, subgroup) pairs both runs answered` +
      (c.accuracy.pairs.onlyBefore || c.accuracy.pairs.onlyAfter ? ` (left out: ${c.accuracy.pairs.onlyBefore} only before, ${c.accuracy.pairs.onlyAfter} only after)` : "") +
      `. Change after − before with paired ${levelText(a)} bootstrap CIs (same question draws for both runs). Gain correlation: corr(score before, gain) across subgroups; > 0 = the better-emulated gain more (fairness paradox).`,
    headers: ["Quantity", "Accuracy", "NMAE"],
    rows: [
      ["Overall change", withCi(c.accuracy.overall.ci, c.accuracy.overall.change), withCi(c.nmae.overall.ci, c.nmae.overall.change)],
      ["Δ norm. range", withCi(c.accuracy.disparity.ci?.normalisedRange, c.accuracy.disparity.change.normalisedRange), withCi(c.nmae.disparity.ci?.normalisedRange, c.nmae.disparity.change.normalisedRange)],
      ["Δ CV", withCi(c.accuracy.disparity.ci?.cv, c.accuracy.disparity.change.cv), withCi(c.nmae.disparity.ci?.cv, c.nmae.disparity.change.cv)],
      ["Δ gap max−min", f3(c.accuracy.disparity.change.gap), f3(c.nmae.disparity.change.gap)],
      ["Δ worst group", f3(c.accuracy.disparity.change.worst), f3(c.nmae.disparity.change.worst)],
      ["corr(before, gain), Pearson / Spearman", `${f3(c.accuracy.gainCorrelation.pearson)} / ${f3(c.accuracy.gainCorrelation.spearman)}`, `${f3(c.nmae.gainCorrelation.pearson)} / ${f3(c.nmae.gainCorrelation.spearman)}`],
    ],
  }));
}

/** Accuracy and NMAE per prompt template of each LLM run; baselines use no prompt, so they have no row. */
export function templateTable(a: ResultsAnalysis): Table {
  return {
    title: "Prompt sensitivity",
    note: "LLM runs only: baselines use no prompt.",
    headers: ["Model", "Template", "Pairs", "Accuracy", "NMAE"],
    rows: a.models.filter((m) => m.kind === "run").flatMap((m) => m.evaluation.templates.map((t) => [m.label, t.templateId, String(t.n), f3(t.accuracy), f3(t.nmae)])),
  };
}

export function allTables(a: ResultsAnalysis): Table[] {
  return [
    mainTable(a),
    ...attributeTables(a, "accuracy"),
    ...attributeTables(a, "nmae"),
    ...skillTables(a),
    fairnessTable(a),
    gapTestTable(a),
    ...comparisonTables(a),
    // Only when some LLM run has a template to show.
    ...(a.models.some((m) => m.kind === "run") ? [templateTable(a)] : []),
  ];
}
