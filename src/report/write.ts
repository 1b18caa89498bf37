/**
 * Writes a results report folder:
 *   <out>/report.md          tables + figure links (GitHub-readable)
 *   <out>/report.html        the same, self-contained (figures inlined as SVG)
 *   <out>/figures/<name>.svg/.png/.json   every results figure (stable names) and its plotly spec
 *   <out>/analysis.json      every number in the report, machine-readable
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { resultsFigureSet, type MissingFigure, type NamedFigure } from "../figures/results-figures";
import { sharedRenderer } from "../figures/render";
import { attributeNoun, subgroupLabel, valueLabel } from "../analysis/labels";
import { builtInBaseline, overallSkill, type ModelResult, type ResultsAnalysis } from "../analysis/results";
import { pText } from "./uncertainty-text";
import { allTables, f3, type Table } from "./tables";
import { openEndedSection } from "./open-ended";

export interface WriteReportOptions {
  /** Render SVG/PNG through Chromium (default true); false writes the plotly specs only. */
  images?: boolean;
  title?: string;
  /** Results root holding judge runs, for the open-ended section (default SVLAB_RESULTS or ./results). */
  results?: string;
}

export interface WrittenReport {
  dir: string;
  files: string[];
  figures: string[];
  /** Results figures not drawn, and why (e.g. no LLM run yet). */
  notDrawn: MissingFigure[];
}

/** The analysis without frames and per-pair scores: what analysis.json holds. */
export function analysisJson(a: ResultsAnalysis): unknown {
  return { ...a, models: a.models.map(({ frame: _f, ...m }) => m) };
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, "\\|");
}

export function tableMarkdown(t: Table): string {
  const lines = [`### ${t.title}`, ""];
  if (t.note) lines.push(`_${t.note}_`, "");
  lines.push(`| ${t.headers.map(mdEscape).join(" | ")} |`, `| ${t.headers.map(() => "---").join(" | ")} |`);
  for (const r of t.rows) lines.push(`| ${r.map(mdEscape).join(" | ")} |`);
  return lines.join("\n");
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function tableHtml(t: Table): string {
  return [
    `<h3>${esc(t.title)}</h3>`,
    t.note ? `<p class="note">${esc(t.note)}</p>` : "",
    `<table><thead><tr>${t.headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>`,
    ...t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`),
    "</tbody></table>",
  ].join("\n");
}

/** "Roman Catholic (0.902, one subgroup)" / "Buddhist (0.879)". */
function valueScore(v: { value: string; observed: number; subgroups: number }): string {
  return `${valueLabel(v.value)} (${f3(v.observed)}${v.subgroups === 1 ? ", one subgroup only" : ""})`;
}

/** "above the 0.151 expected from subgroup sizes alone (p < 0.001)" or "within …". */
function versusFloor(_observed: number, n: { mean: number; p: number } | undefined): string {
  if (!n) return "";
  const where = n.p < 0.05 ? "above" : "not clearly above";
  return `, ${where} the ${f3(n.mean)} expected from subgroup sizes alone (${pText(n.p)})`;
}

/**
 * The findings: every sentence is built from the computed numbers (which group, how large, whether
 * it exceeds the noise floor), for any model, preset or weighting. An attribute value made of a single
 * subgroup is named as such and never ranked "highest" or "lowest".
 */
export function findings(a: ResultsAnalysis): string[] {
  const out: string[] = [];
  const pm = builtInBaseline(a);
  const attrSentences = (m: ModelResult): string[] =>
    a.attributes.flatMap((attr) => {
      const rows = m.frame.byGroup("accuracy", `attribute:${attr}`).map((r) => ({ value: r.group, observed: r.value, subgroups: r.subgroups }));
      if (rows.length < 2) return [];
      const t = m.attributeTests.find((x) => x.attribute === attr);
      const floor = m.evaluation.noiseFloor?.attributes.find((x) => x.attribute === attr && x.metric === "accuracy");
      const ranked = rows.filter((v) => v.subgroups >= 2).sort((x, y) => y.observed - x.observed);
      const singles = rows.filter((v) => v.subgroups === 1);
      let s = `by ${attributeNoun(attr)}`;
      if (ranked.length >= 2) s += `, highest ${valueScore(ranked[0])} and lowest ${valueScore(ranked[ranked.length - 1])}`;
      else if (ranked.length === 1) s += `, ${valueScore(ranked[0])} is the only value with more than one subgroup`;
      if (singles.length) s += ` (${singles.map(valueScore).join(", ")}: a single subgroup's score, not ranked)`;
      if (floor)
        s += `; the gap over all values, ${f3(floor.gap.observed)}, is ${floor.gap.p < 0.05 ? "above" : "not clearly above"} the ${f3(floor.gap.mean)} expected from subgroup sizes alone (${pText(floor.gap.p)})`;
      if (t && Number.isFinite(t.p)) s += `, and size-adjusted the values ${t.p < 0.05 ? "differ" : "do not clearly differ"} (${pText(t.p)})`;
      return [s];
    });
  const disparitySentence = (m: ModelResult): string => {
    const d = m.evaluation.disparity;
    return (
      `Across the ${d.accuracy.groups} ${a.split.toUpperCase()} subgroups, ${m.label}'s accuracy normalised range is ${f3(d.accuracy.normalisedRange)}` +
      (d.accuracy.ci ? ` [${f3(d.accuracy.ci.normalisedRange.lo)}, ${f3(d.accuracy.ci.normalisedRange.hi)}]` : "") +
      versusFloor(d.accuracy.normalisedRange, d.accuracy.null?.normalisedRange) +
      `; its NMAE normalised range is ${f3(d.nmae.normalisedRange)}` +
      (d.nmae.ci ? ` [${f3(d.nmae.ci.normalisedRange.lo)}, ${f3(d.nmae.ci.normalisedRange.hi)}]` : "") +
      versusFloor(d.nmae.normalisedRange, d.nmae.null?.normalisedRange) +
      "."
    );
  };
  if (pm) {
    const attrs = attrSentences(pm);
    out.push(
      `The ${pm.label} baseline (every persona gets the whole sample's modal answer) reaches accuracy ${f3(pm.evaluation.accuracy)} and NMAE ${f3(pm.evaluation.nmae)} on the ${a.split.toUpperCase()} split.` +
        (attrs.length ? ` Per attribute (no model involved, the data alone): ${attrs.join("; ")}.` : ""),
    );
    out.push(disparitySentence(pm));
    const st = pm.evaluation.labelStability;
    const l = pm.evaluation.labels;
    if (st || l) {
      out.push(
        [
          st
            ? `Labels of small subgroups are less firm: resampling each subgroup's answers, ${f3(st.small)} of the labels of subgroups under 50 respondents stay the same, ${f3(st.larger)} of larger ones'`
            : "",
          l
            ? `${l.tied} labels are tied modes (${l.tiedSmall} in small subgroups); accepting any tied mode would move the ${pm.label}'s accuracy from ${f3(l.accuracy)} to ${f3(l.accuracyTiesAny)}`
            : "",
          l && l.offScale
            ? `${l.offScale} labels are off-scale answers (${l.offScaleLabels.map((o) => `${o.question} "${o.label}"`).join(", ")}), kept as the paper does`
            : "",
        ]
          .filter(Boolean)
          .join("; ") + ".",
      );
    }
  }
  for (const m of a.models.filter((x) => x.kind === "run")) {
    const e = m.evaluation;
    let s = `${m.label}: accuracy ${f3(e.accuracy)} [${f3(e.ci?.accuracy.lo)}, ${f3(e.ci?.accuracy.hi)}], NMAE ${f3(e.nmae)}; ${e.unparsedPairs} unparsed, ${e.refusedPairs} refused and ${e.failedPairs} failed pairs (scored wrong).`;
    const sk = pm && overallSkill(a, m.label, pm.label);
    if (sk) {
      // skill() on the model's own pairs: the national mode is rescored on exactly those.
      const r = sk.rows[0];
      s += ` Against the ${pm.label} on the same ${sk.pairs.shared} pairs (${pm.label} ${f3(r?.baseline.accuracy)} there) its skill is ${f3(r?.skill.accuracy)} (accuracy).`;
    }
    s += ` Worst subgroup: ${subgroupLabel(e.disparity.accuracy.worstGroup)} (${f3(e.disparity.accuracy.worst)}).`;
    const attrs = attrSentences(m);
    if (attrs.length) s += ` Per attribute: ${attrs.join("; ")}.`;
    out.push(s, disparitySentence(m));
  }
  if (!a.models.some((m) => m.kind === "run"))
    out.push(
      "No LLM run was found for this split: the report shows the baselines only. Run `svlab run --model SPEC --split " + a.split + "` and report again.",
    );
  return out;
}

export async function writeReport(a: ResultsAnalysis, outDir: string, opts: WriteReportOptions = {}): Promise<WrittenReport> {
  const dir = resolve(outDir);
  const figDir = join(dir, "figures");
  await mkdir(figDir, { recursive: true });
  const files: string[] = [];
  const { figures, missing } = resultsFigureSet(a);
  const svgs = new Map<string, string>();
  for (const f of figures) {
    const stem = join(figDir, f.name);
    await writeFile(`${stem}.json`, `${JSON.stringify(f.spec)}\n`);
    files.push(`${stem}.json`);
    if (opts.images !== false) {
      const img = await renderFigure(f);
      if (img.svg) {
        await writeFile(`${stem}.svg`, img.svg);
        svgs.set(f.name, img.svg);
        files.push(`${stem}.svg`);
      }
      if (img.png) {
        await writeFile(`${stem}.png`, img.png);
        files.push(`${stem}.png`);
      }
    }
  }
  const title = opts.title ?? `svlab results report — ${a.split.toUpperCase()} split`;
  const tables = allTables(a);
  const meta = `Benchmark ${a.benchmark.preset} (${a.benchmark.country ? `WVS-7 ${a.benchmark.country}; ` : ""}${String((a.benchmark.source as string) ?? "")}), ${a.benchmark.pairs} ${a.split} pairs, ${a.benchmark.subgroups} subgroups, ${a.benchmark.questions} questions; tie policy "${a.benchmark.tiePolicy}". Generated ${a.createdAt}.`;
  const md: string[] = [`# ${title}`, "", meta, "", "## Findings", "", ...findings(a).map((s) => `- ${s}`), ""];
  if (a.warnings.length) md.push("## Warnings", "", ...a.warnings.map((w) => `- ${w}`), "");
  if (a.notes.length) md.push("## Notes", "", ...a.notes.map((w) => `- ${w}`), "");
  md.push("## Figures", "");
  for (const f of figures)
    md.push(`**${f.name}.** ${f.caption}`, "", opts.images !== false ? `![${f.name}](figures/${f.name}.svg)` : `(spec: figures/${f.name}.json)`, "");
  if (missing.length) md.push("Not drawn:", "", ...missing.map((m) => `- **${m.name}**: ${m.reason}.`), "");
  md.push("## Tables", "");
  for (const t of tables) md.push(tableMarkdown(t), "");
  const openEnded = await openEndedSection(opts.results);
  if (openEnded.tables.length) md.push("## Open-ended answers", "", ...openEnded.notes.map((n) => `- ${n}`), ...openEnded.tables.map(tableMarkdown), "");
  md.push("## Definitions", "", ...DEFINITIONS.map((d) => `- ${d}`), "");
  await writeFile(join(dir, "report.md"), md.join("\n"));
  files.push(join(dir, "report.md"));

  const html = [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<title>${esc(title)}</title>`,
    "<style>body{font-family:Helvetica,Arial,sans-serif;max-width:1150px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}.note{color:#555;font-size:13px;font-style:italic}figure{margin:1em 0 2em}figcaption{color:#444;font-size:13px}</style>",
    "</head><body>",
    `<h1>${esc(title)}</h1><p>${esc(meta)}</p>`,
    "<h2>Findings</h2><ul>",
    ...findings(a).map((s) => `<li>${esc(s)}</li>`),
    "</ul>",
    a.warnings.length ? `<h2>Warnings</h2><ul>${a.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>` : "",
    a.notes.length ? `<h2>Notes</h2><ul>${a.notes.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>` : "",
    "<h2>Figures</h2>",
    ...figures.map(
      (f) =>
        `<figure id="${f.name}">${svgs.get(f.name) ?? `<p>(figure spec: figures/${f.name}.json)</p>`}<figcaption><b>${f.name}.</b> ${esc(f.caption)}</figcaption></figure>`,
    ),
    missing.length ? `<p>Not drawn:</p><ul>${missing.map((m) => `<li><b>${m.name}</b>: ${esc(m.reason)}.</li>`).join("")}</ul>` : "",
    "<h2>Tables</h2>",
    ...tables.map(tableHtml),
    openEnded.tables.length
      ? `<h2>Open-ended answers</h2>${openEnded.notes.map((n) => `<p>${esc(n)}</p>`).join("")}${openEnded.tables.map(tableHtml).join("")}`
      : "",
    "<h2>Definitions</h2><ul>",
    ...DEFINITIONS.map((d) => `<li>${esc(d)}</li>`),
    "</ul>",
    "</body></html>",
  ].join("\n");
  await writeFile(join(dir, "report.html"), html);
  files.push(join(dir, "report.html"));
  await writeFile(join(dir, "analysis.json"), `${JSON.stringify(analysisJson(a), null, 1)}\n`);
  files.push(join(dir, "analysis.json"));
  return { dir, files, figures: figures.map((f) => f.name), notDrawn: missing };
}

export async function renderFigure(f: NamedFigure): Promise<{ svg?: string; png?: Buffer }> {
  const r = await sharedRenderer();
  return r.render(f.spec, { width: f.width, height: f.height, formats: ["svg", "png"] });
}

export const DEFINITIONS = [
  "Accuracy: share of (question, subgroup) pairs whose predicted code equals the subgroup's modal code (the benchmark's single label; ties broken by its tie policy). Distance-blind: one step off counts like five.",
  "NMAE: mean of |pos(pred) − pos(mode)| / (K − 1), positions in the question's ordinal scale order; off-scale codes score 0 if equal else 1; unparseable or refused answers score 1. Distance-aware: it separates near misses from opposite answers.",
  "Micro = mean over pairs; macro = mean over subgroups of each subgroup's mean.",
  "W1 = Wasserstein-1 between the model's and the subgroup's answer distributions on the ordinal scale, divided by K − 1. JSD = Jensen–Shannon divergence, log base 2, no square root (JS distance = its square root). Expected NMAE = NMAE under the model's distribution. Valid mass = probability on valid codes.",
  "Skill vs a baseline = (model − baseline) / (perfect − baseline): 1 perfect, 0 no better than the baseline, < 0 worse.",
  "Disparity over groups: normalised range (max − min)/max and CV σ/μ with population σ (Tan et al.), gap max − min, ratio min/max, worst group, max |group − overall|.",
  "Uncertainty: percentile bootstrap resampling questions (clusters), seeded, for scores; for the disparity numbers (normalised range, CV) a basic bootstrap interval resampling questions and every pair's label from its subgroup's answer counts, widened to contain the estimate (dispersion statistics lean high under resampling). Paired permutation tests flip the sign of per-question differences.",
  "Noise floor: a size-matched null — every subgroup answering like the whole sample at its own size, scored with the same predictions — gives the disparity and the attribute gaps expected from subgroup sizes alone. With the shipped aggregates it is an approximation (per-question multinomial draws from the whole-sample counts, independent across questions and subgroups); with the microdata, random respondent groups.",
  "Attribute tests: subgroup scores standardised by the null, attribute values permuted among subgroups within each stratum, a size-weighted between-values statistic — calibrated when values pool very different numbers of subgroups.",
];
