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
import { attributeNoun, subgroupLabel, valueLabel } from "../figures/results-labels";
import { builtInBaseline, overallSkill, type ResultsAnalysis } from "./analysis";
import { allTables, f3, type Table } from "./tables";

export interface WriteReportOptions {
  /** Render SVG/PNG through Chromium (default true); false writes the plotly specs only. */
  images?: boolean;
  title?: string;
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

/** The findings paragraph: what the numbers say, in words. */
export function findings(a: ResultsAnalysis): string[] {
  const out: string[] = [];
  const pm = builtInBaseline(a);
  if (pm) {
    // Per attribute of the split: the values the national mode fits best and worst (no model involved).
    const extremes = a.attributes
      .map((attr) => {
        const rows = pm.frame.byGroup("accuracy", `attribute:${attr}`);
        if (rows.length < 2) return undefined;
        const best = rows.reduce((x, y) => (y.value > x.value ? y : x));
        const worst = rows.reduce((x, y) => (y.value < x.value ? y : x));
        return `${attributeNoun(attr)}: ${valueLabel(best.group)} ${f3(best.value)}, ${valueLabel(worst.group)} ${f3(worst.value)}`;
      })
      .filter((x): x is string => x !== undefined);
    out.push(
      `The ${pm.label} baseline (every persona gets the whole sample's modal answer) already reaches accuracy ${f3(pm.evaluation.accuracy)} and NMAE ${f3(pm.evaluation.nmae)} on the ${a.split.toUpperCase()} split.` +
        (extremes.length ? ` It fits some personas better than others — best and worst value per attribute: ${extremes.join("; ")}. These gaps come from the data alone: groups that differ more from the national majority score lower.` : ""),
    );
  }
  for (const m of a.models.filter((x) => x.kind === "run")) {
    const e = m.evaluation;
    let s = `${m.label}: accuracy ${f3(e.accuracy)} [${f3(e.ci?.accuracy.lo)}, ${f3(e.ci?.accuracy.hi)}], NMAE ${f3(e.nmae)}; ${e.unparsedPairs} unparsed and ${e.refusedPairs} refused pairs (scored wrong).`;
    const sk = pm && overallSkill(a, m.label, pm.label);
    if (sk) {
      // skill() on the model's own pairs: the national mode is rescored on exactly those.
      const r = sk.rows[0];
      s += ` Against the ${pm.label} on the same ${sk.pairs.shared} pairs (${pm.label} ${f3(r?.baseline.accuracy)} there) its skill is ${f3(r?.skill.accuracy)} (accuracy).`;
    }
    s += ` Worst subgroup: ${subgroupLabel(e.disparity.accuracy.worstGroup)} (${f3(e.disparity.accuracy.worst)}).`;
    out.push(s);
  }
  if (!a.models.some((m) => m.kind === "run")) out.push("No LLM run was found for this split: the report shows the baselines only. Run `svlab run --model SPEC --split " + a.split + "` and report again.");
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
  const meta = `Benchmark ${a.benchmark.preset} (${String((a.benchmark.source as string) ?? "")}), ${a.benchmark.pairs} ${a.split} pairs, ${a.benchmark.subgroups} subgroups, ${a.benchmark.questions} questions; tie policy "${a.benchmark.tiePolicy}". Generated ${a.createdAt}.`;
  const md: string[] = [`# ${title}`, "", meta, "", "## Findings", "", ...findings(a).map((s) => `- ${s}`), ""];
  if (a.warnings.length) md.push("## Warnings", "", ...a.warnings.map((w) => `- ${w}`), "");
  if (a.notes.length) md.push("## Notes", "", ...a.notes.map((w) => `- ${w}`), "");
  md.push("## Figures", "");
  for (const f of figures) md.push(`**${f.name}.** ${f.caption}`, "", opts.images !== false ? `![${f.name}](figures/${f.name}.svg)` : `(spec: figures/${f.name}.json)`, "");
  if (missing.length) md.push("Not drawn:", "", ...missing.map((m) => `- **${m.name}**: ${m.reason}.`), "");
  md.push("## Tables", "");
  for (const t of tables) md.push(tableMarkdown(t), "");
  md.push("## Definitions", "", ...DEFINITIONS.map((d) => `- ${d}`), "");
  await writeFile(join(dir, "report.md"), md.join("\n"));
  files.push(join(dir, "report.md"));

  const html = [
    "<!doctype html><html><head><meta charset=\"utf-8\">",
    `<title>${esc(title)}</title>`,
    "<style>body{font-family:Helvetica,Arial,sans-serif;max-width:1150px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}.note{color:#555;font-size:13px;font-style:italic}figure{margin:1em 0 2em}figcaption{color:#444;font-size:13px}</style>",
    "</head><body>",
    `<h1>${esc(title)}</h1><p>${esc(meta)}</p>`,
    "<h2>Findings</h2><ul>", ...findings(a).map((s) => `<li>${esc(s)}</li>`), "</ul>",
    a.warnings.length ? `<h2>Warnings</h2><ul>${a.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>` : "",
    a.notes.length ? `<h2>Notes</h2><ul>${a.notes.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>` : "",
    "<h2>Figures</h2>",
    ...figures.map((f) => `<figure id="${f.name}">${svgs.get(f.name) ?? `<p>(figure spec: figures/${f.name}.json)</p>`}<figcaption><b>${f.name}.</b> ${esc(f.caption)}</figcaption></figure>`),
    missing.length ? `<p>Not drawn:</p><ul>${missing.map((m) => `<li><b>${m.name}</b>: ${esc(m.reason)}.</li>`).join("")}</ul>` : "",
    "<h2>Tables</h2>", ...tables.map(tableHtml),
    "<h2>Definitions</h2><ul>", ...DEFINITIONS.map((d) => `<li>${esc(d)}</li>`), "</ul>",
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
  "Uncertainty: percentile bootstrap resampling questions (clusters), seeded; permutation tests flip the sign of per-question differences.",
];
