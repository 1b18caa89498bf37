/**
 * The report's tables, as plain header + string rows, built from a ResultsAnalysis. Markdown and
 * HTML renderers both consume these, and notebooks can show them as they are.
 */
import { headlineMetrics, type Estimate, type MetricInfo, type MetricName, type RunComparison } from "../metrics/index";
import { attributeLabel, levelPercent, metricName, subgroupLabel, valueLabel } from "../analysis/labels";
import { builtInBaseline, overallSkill, type ResultsAnalysis } from "../analysis/results";
import { disparityCell } from "./uncertainty-text";

export interface Table {
  title: string;
  note?: string;
  headers: string[];
  rows: string[][];
}

export const f3 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(3));
const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? "+" : ""}${x.toFixed(3)}` : "—");
export const withCi = (e: Estimate | undefined, value?: number) => (e ? `${f3(e.value)} [${f3(e.lo)}, ${f3(e.hi)}]` : f3(value));
const pv = (p: number) => (Number.isNaN(p) ? "—" : p < 0.001 ? "<0.001" : p.toFixed(3));
/** "95%" from the analysis' confidence level. */
export const levelText = (a: ResultsAnalysis) => levelPercent(a.options.level);

/** "10177", or "200 of 10177" for a run that covers part of the split. */
function coverageText(n: number, expected: number): string {
  return n === expected ? String(n) : `${n} of ${expected}`;
}

/** Registered headline metrics beyond accuracy and NMAE: each adds its columns to the main and fairness tables. */
function extraMetrics(): MetricInfo[] {
  return headlineMetrics().filter((m) => !m.builtIn);
}

const arrow = (m: MetricInfo) => (m.higherIsBetter ? "↑" : "↓");

export function mainTable(a: ResultsAnalysis): Table {
  const national = builtInBaseline(a);
  const extra = extraMetrics();
  const partial = a.models.some((m) => m.evaluation.n !== m.evaluation.coverage.expected);
  return {
    title: `Main results (${a.split.toUpperCase()} split)`,
    note:
      `Micro averages over (question, subgroup) pairs with ${levelText(a)} bootstrap CIs (${a.options.bootstrap} resamples of questions, seed ${a.options.seed}); ` +
      "macro = mean over subgroups. Unparseable or refused answers count as wrong (NMAE error 1). " +
      (partial ? 'Pairs "n of N": the run covers n of the split\'s N pairs and its scores are over those n. ' : "") +
      (national
        ? `Skill = (model − ${national.label}) / (perfect − ${national.label}), with the ${national.label} rescored on exactly the model's pairs.`
        : ""),
    headers: [
      "Model",
      "Kind",
      "Pairs",
      "Accuracy ↑",
      "NMAE ↓",
      ...extra.map((x) => `${x.label} ${arrow(x)}`),
      "Macro acc.",
      "Macro NMAE",
      "Parsed",
      "Refused",
      ...(national ? ["Skill acc.", "Skill NMAE"] : []),
    ],
    rows: a.models.map((m) => {
      const e = m.evaluation;
      const s = national && m !== national ? overallSkill(a, m.label, national.label)?.rows[0] : undefined;
      return [
        m.label,
        m.kind === "baseline" ? "baseline" : "LLM run",
        coverageText(e.n, e.coverage.expected),
        withCi(e.ci?.accuracy, e.accuracy),
        withCi(e.ci?.nmae, e.nmae),
        ...extra.map((x) => withCi(e.metrics[x.id]?.ci?.overall, e.metrics[x.id]?.value)),
        f3(e.macro.accuracy),
        f3(e.macro.nmae),
        f3(e.parsed),
        f3(e.refused),
        ...(national ? (m === national ? ["ref.", "ref."] : [signed(s?.skill.accuracy ?? NaN), signed(s?.skill.nmae ?? NaN)]) : []),
      ];
    }),
  };
}

export function attributeTables(a: ResultsAnalysis, metric: MetricName): Table[] {
  return a.attributes.map((attr) => {
    const values = [...new Set(a.models.flatMap((m) => Object.keys(m.byAttribute[attr]?.metrics[metric]?.groups ?? {})))].sort((x, y) =>
      x.localeCompare(y, "en", { numeric: true }),
    );
    // Subgroups and pairs of the whole split (a built-in baseline covers it all); a run with fewer
    // pairs is scored on its own (its coverage is in the main table).
    const full = a.models.find((m) => m.builtIn) ?? a.models[0];
    const pairs = full?.frame.byGroup(metric, `attribute:${attr}`) ?? [];
    return {
      title: `${metricName(metric)} by ${attributeLabel(attr).toLowerCase()}`,
      note: `Each value pools every subgroup of the split that contains it; ${levelText(a)} bootstrap CIs over questions. Subgroups and pairs: the whole split; a run covering fewer pairs is scored on its own pairs (main table).`,
      headers: [attributeLabel(attr), "Subgroups", "Pairs (split)", ...a.models.map((m) => m.label)],
      rows: values.map((v) => {
        const r = pairs.find((p) => p.group === v);
        return [
          valueLabel(v),
          String(r?.subgroups ?? ""),
          String(r?.pairs ?? ""),
          ...a.models.map((m) => withCi(m.byAttribute[attr]?.metrics[metric]?.groups[v])),
        ];
      }),
    };
  });
}

export function fairnessTable(a: ResultsAnalysis): Table {
  const withNull = a.models.some((m) => m.evaluation.disparity.accuracy.null);
  const nm = a.models.find((m) => m.evaluation.disparity.accuracy.null)?.evaluation.disparity.accuracy.null;
  const ci = a.models.find((m) => m.evaluation.disparity.accuracy.ci)?.evaluation.disparity.accuracy.ci;
  const extra = extraMetrics();
  return {
    title: "Fairness across subgroups",
    note:
      "Normalised range = (max − min)/max; CV = σ/μ with the population σ (the subgroups are all there are). For NMAE, max is the worst subgroup. " +
      (ci
        ? `[ ]: ${levelText(a)} basic bootstrap interval resampling questions and every pair's label from its subgroup's answers (${ci.draws} resamples; it corrects the upward bias dispersion statistics have under resampling, and always contains the estimate). `
        : "") +
      (withNull && nm
        ? `"from sizes alone": the mean over ${nm.draws} draws of a size-matched null — every subgroup answering like the whole sample, at its own size (${nm.method === "multinomial-aggregates" ? "an approximation from the shipped counts: per-question multinomial draws" : "random respondent groups"}), scored with the same predictions; p = share of null draws at or above the observed value. A disparity near its noise floor is what subgroup sizes alone produce.`
        : "") +
      (extra.length
        ? ` ${extra.map((x) => x.label).join(", ")}: registered metric${extra.length > 1 ? "s" : ""}; intervals resample questions only, and there is no noise floor (it redraws labels, which only accuracy and NMAE are scored against).`
        : ""),
    headers: [
      "Model",
      "Acc. norm. range",
      "Acc. CV",
      "NMAE norm. range",
      "NMAE CV",
      ...extra.flatMap((x) => [`${x.label} norm. range`, `${x.label} CV`]),
      "Worst subgroup (acc.)",
      "Worst acc.",
    ],
    rows: a.models.map((m) => {
      const d = m.evaluation.disparity;
      const more = extra.flatMap((x) => (d[x.id] ? [disparityCell(d[x.id], "normalisedRange"), disparityCell(d[x.id], "cv")] : ["—", "—"]));
      return [
        m.label,
        disparityCell(d.accuracy, "normalisedRange"),
        disparityCell(d.accuracy, "cv"),
        disparityCell(d.nmae, "normalisedRange"),
        disparityCell(d.nmae, "cv"),
        ...more,
        subgroupLabel(d.accuracy.worstGroup),
        f3(d.accuracy.worst),
      ];
    }),
  };
}

export function gapTestTable(a: ResultsAnalysis): Table {
  return {
    title: "Attribute gaps: do an attribute's values differ beyond what subgroup sizes give?",
    note:
      "Accuracy. Highest and lowest among the values pooling 2+ subgroups (a value of one subgroup is one subgroup's score: flagged, never ranked). " +
      "Gap = max − min of the pooled scores over all values; expected = its mean under the size-matched null (p: share of null draws at or above). " +
      "p (size-adjusted): permutation test on subgroup scores standardised by the null, values shuffled among subgroups within each stratum, size-weighted statistic — calibrated for uneven groups (4.9% rejections at nominal 5% on the OOD religion layout, simulated).",
    headers: ["Model", "Attribute", "Values", "Highest", "Lowest", "Gap", "Expected from sizes alone", "p (null)", "p (size-adjusted)"],
    rows: a.models.flatMap((m) =>
      (m.attributeTests ?? []).map((t) => {
        const floor = m.evaluation.noiseFloor?.attributes.find((x) => x.attribute === t.attribute && x.metric === "accuracy");
        const ranked = t.values.filter((v) => v.subgroups >= 2).sort((x, y) => y.observed - x.observed);
        const hi = ranked[0],
          lo = ranked[ranked.length - 1];
        return [
          m.label,
          attributeLabel(t.attribute),
          String(t.values.length),
          hi ? `${valueLabel(hi.value)} (${f3(hi.observed)})` : "—",
          lo && lo !== hi ? `${valueLabel(lo.value)} (${f3(lo.observed)})` : "—",
          f3(floor?.gap.observed),
          f3(floor?.gap.mean),
          floor ? pv(floor.gap.p) : "—",
          pv(t.p),
        ];
      }),
    ),
  };
}

/** Label stability per subgroup (least stable first), ties and off-scale labels, from the national mode's evaluation. */
export function labelsTable(a: ResultsAnalysis): Table | undefined {
  const ref = builtInBaseline(a) ?? a.models[0];
  const st = ref?.evaluation.labelStability;
  const l = ref?.evaluation.labels;
  if (!st || !l) return undefined;
  return {
    title: "How firm are the labels?",
    note:
      `Label stability: the share of ${st.draws} multinomial resamples of a subgroup's answers (from its counts) whose mode is still its label. ` +
      `Mean ${f3(st.mean)}: ${f3(st.small)} in subgroups under 50 respondents, ${f3(st.larger)} in larger ones; ${st.unstable} of the split's labels hold in fewer than 80% of resamples (\`svlab evaluate --stable-labels 0.8\` scores only the others). ` +
      `Ties: ${l.tied} labels are one of several tied modes (${l.tiedSmall} in small subgroups); scoring any tied mode as right (--ties any) moves the ${ref.label}'s accuracy from ${f3(l.accuracy)} to ${f3(l.accuracyTiesAny)}. ` +
      `Off-scale labels (${l.offScale} pairs${l.offScaleLabels.length ? `: ${l.offScaleLabels.map((o) => `${o.question} "${o.label}" ×${o.pairs}`).join(", ")}` : ""}) are kept, as the paper does; --exclude-off-scale drops them.`,
    headers: ["Subgroup", "Respondents", "Label stability", "Labels holding in ≥ 80%"],
    rows: st.subgroups.slice(0, 12).map((s) => [subgroupLabel(s.subgroup), String(s.size), f3(s.stability), f3(s.stable80)]),
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
        `Both scored on the model's ${s.pairs.shared} pairs` +
        (s.pairs.onlyAfter ? ` (the baseline rescored on them; ${s.pairs.onlyAfter} split pairs the model did not answer are left out).` : "."),
      headers: ["Group", "Pairs", "Model acc.", "Baseline acc.", "Skill acc.", "Model NMAE", "Baseline NMAE", "Skill NMAE"],
      rows: s.rows.map((r) => [
        valueLabel(r.group),
        String(r.pairs),
        f3(r.model.accuracy),
        f3(r.baseline.accuracy),
        signed(r.skill.accuracy!),
        f3(r.model.nmae),
        f3(r.baseline.nmae),
        signed(r.skill.nmae!),
      ]),
    }));
}

export function comparisonTables(a: ResultsAnalysis): Table[] {
  return a.comparisons.map((c) => {
    // Accuracy and NMAE, then any registered headline metric: one column each.
    const cols: RunComparison[] = [c.accuracy, c.nmae, ...Object.values(c.extra ?? {})];
    const each = (f: (x: RunComparison) => string) => cols.map(f);
    return {
      title: `${c.before} → ${c.after}`,
      note:
        `On the ${c.accuracy.pairs.shared} (question, subgroup) pairs both runs answered` +
        (c.accuracy.pairs.onlyBefore || c.accuracy.pairs.onlyAfter
          ? ` (left out: ${c.accuracy.pairs.onlyBefore} only before, ${c.accuracy.pairs.onlyAfter} only after)`
          : "") +
        `. Change after − before with paired ${levelText(a)} bootstrap CIs (same question draws for both runs). Gain correlation: corr(score before, gain) across subgroups; > 0 = the better-emulated gain more (fairness paradox).`,
      headers: ["Quantity", ...cols.map((x) => metricName(x.metric))],
      rows: [
        ["Overall change", ...each((x) => withCi(x.overall.ci, x.overall.change))],
        ["Δ norm. range", ...each((x) => withCi(x.disparity.ci?.normalisedRange, x.disparity.change.normalisedRange))],
        ["Δ CV", ...each((x) => withCi(x.disparity.ci?.cv, x.disparity.change.cv))],
        ["Δ gap max−min", ...each((x) => f3(x.disparity.change.gap))],
        ["Δ worst group", ...each((x) => f3(x.disparity.change.worst))],
        ["corr(before, gain), Pearson / Spearman", ...each((x) => `${f3(x.gainCorrelation.pearson)} / ${f3(x.gainCorrelation.spearman)}`)],
      ],
    };
  });
}

/** Accuracy and NMAE per prompt template of each LLM run; baselines use no prompt, so they have no row. */
export function templateTable(a: ResultsAnalysis): Table {
  return {
    title: "Prompt sensitivity",
    note: "LLM runs only: baselines use no prompt.",
    headers: ["Model", "Template", "Pairs", "Accuracy", "NMAE"],
    rows: a.models
      .filter((m) => m.kind === "run")
      .flatMap((m) => m.evaluation.templates.map((t) => [m.label, t.templateId, String(t.n), f3(t.accuracy), f3(t.nmae)])),
  };
}

export function allTables(a: ResultsAnalysis): Table[] {
  return [
    mainTable(a),
    ...headlineMetrics().flatMap((m) => attributeTables(a, m.id)),
    ...skillTables(a),
    fairnessTable(a),
    gapTestTable(a),
    ...(labelsTable(a) ? [labelsTable(a)!] : []),
    ...comparisonTables(a),
    // Only when some LLM run has a template to show.
    ...(a.models.some((m) => m.kind === "run") ? [templateTable(a)] : []),
  ];
}
