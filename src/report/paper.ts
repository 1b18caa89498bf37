/**
 * The paper's tables (Tan et al. 2026) from whatever runs exist — `svlab paper`:
 *
 *  1. main results: Acc and NMAE per model, base vs fine-tuned with Δ (tuned − base), the
 *     open-source average (unweighted mean over open models, as the paper's "Open-source avg");
 *  2. fairness: NormRange = (max − min) / max and CV = σ / μ (population σ) of per-subgroup Acc and
 *     NMAE, base → tuned, with the open-source average;
 *  3. refusals: the share of pairs answered with a refusal, overall and on the sensitive questions
 *     (homosexuality and domestic-violence items, named from the codebook), base → tuned;
 *  4. Modal Diversity Score by WVS category (the value landscape: data only, no model);
 *  5. per-attribute-value Acc and NMAE (e.g. age 65 and over, Malay, Muslim) for every model.
 *
 * The baselines (population mode, attribute product) are always in the tables: they are the
 * data-only reference every model should beat. Base/tuned pairs come from run metadata (a tuned
 * run's `tunedFrom` names its base model) or from `pairs` given here. When a model has several
 * completed runs on the split, the newest is used. Open-ended win rates (WR) need judge runs, which
 * svlab does not make: the WR column is left out and the notes say so.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { computeLandscape } from "../benchmark/landscape";
import type { Benchmark, Split } from "../benchmark/types";
import { modelLabel } from "../analysis/labels";
import { evaluatePredictions, withFailures, type Evaluation, type MetricFrame } from "../metrics/index";
import { listRuns, readResults } from "../runner/results";
import type { Prediction } from "../runner/types";
import { baselinePredictions, DEFAULT_BASELINES } from "../analysis/sources";

/** A model's predictions to tabulate (a run, or built in a notebook). */
export interface PaperSource {
  model: string;
  /** Run id (or any id); defaults to the model. */
  id?: string;
  predictions: Prediction[];
  /** The base model this one was fine-tuned from. */
  tunedFrom?: string;
}

export interface PaperOptions {
  split?: Split;
  /** Results root to read runs from (default SVLAB_RESULTS or ./results); null = no runs. */
  results?: string | null;
  /** More sources (e.g. predictions made in a notebook). */
  sources?: PaperSource[];
  /** Base/tuned pairs by model name or run id (added to those from tunedFrom). */
  pairs?: Array<{ base: string; tuned: string }>;
  baselines?: string[];
  /** Models counted as closed-source (not in the open-source average); default: openai:* and names like gpt-…, o1…, claude…, gemini…. */
  closed?: (model: string) => boolean;
}

export interface PaperModel {
  model: string;
  id: string;
  label: string;
  kind: "llm" | "baseline";
  open: boolean;
  tunedFrom?: string;
  n: number;
  accuracy: number;
  nmae: number;
  disparity: Evaluation["disparity"];
  refusal: { overall: number; sensitive: number; sensitivePairs: number };
  /** attribute → value → {accuracy, nmae, pairs} */
  attributes: Record<string, Record<string, { accuracy: number; nmae: number; pairs: number }>>;
  coverage: { expected: number; missing: number };
}

/** One table, as Markdown (formatted) and as CSV (raw numbers). */
export interface PaperTable {
  name: string;
  title: string;
  note?: string;
  columns: string[];
  rows: string[][];
  csvColumns: string[];
  csvRows: Array<Array<string | number | null>>;
}

export interface Paper {
  split: Split;
  createdAt: string;
  models: PaperModel[];
  /** Base → tuned pairs (model names). */
  pairs: Array<{ base: string | null; tuned: string }>;
  sensitiveQuestions: Array<{ id: string; label: string }>;
  tables: PaperTable[];
  notes: string[];
}

/** The paper's sensitive items: homosexuality and domestic violence (a man beating his wife, parents beating children). */
export function sensitiveQuestions(bench: Benchmark): Array<{ id: string; label: string }> {
  return bench.questions
    .filter((q) => /homosexual/i.test(q.label) || /beat(ing)? (his wife|children)/i.test(q.label))
    .map((q) => ({ id: q.id, label: q.label }));
}

export function isClosedModel(model: string): boolean {
  if (model.startsWith("openai:")) return true;
  const name = model.slice(Math.max(model.lastIndexOf(":"), model.lastIndexOf("#")) + 1);
  return /^(gpt-|o[1-9]|claude|gemini)/i.test(name) || /^(gpt-|claude|gemini)/i.test(model);
}

/** ".514" (the paper's style); "–" for missing. */
export function f3(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  const s = Math.abs(x).toFixed(3).replace(/^0\./, ".");
  return x < 0 && s !== ".000" ? `−${s}` : s;
}

/** "+.171" / "−.115" */
export function d3(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  const s = f3(Math.abs(x));
  return x < 0 && s !== ".000" ? `−${s}` : `+${s}`;
}

const pct = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? "–" : `${(x * 100).toFixed(2)}%`);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const r6 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 1e6) / 1e6);

function scoreModel(
  bench: Benchmark,
  split: Split,
  src: PaperSource,
  kind: PaperModel["kind"],
  open: boolean,
  sensitive: Set<string>,
  attributes: string[],
): PaperModel {
  const ev = evaluatePredictions(bench, src.predictions, { split, bootstrap: 0 });
  const frame: MetricFrame = ev.frame;
  const sens = ev.scores.filter((s) => sensitive.has(s.question));
  const attrs: PaperModel["attributes"] = {};
  for (const a of attributes) {
    const acc = frame.byGroup("accuracy", `attribute:${a}`);
    const nm = frame.values("nmae", `attribute:${a}`);
    attrs[a] = {};
    for (const r of acc) attrs[a][r.group] = { accuracy: r.value, nmae: nm.get(r.group) ?? NaN, pairs: r.pairs };
  }
  return {
    model: src.model,
    id: src.id ?? src.model,
    label: modelLabel(src.model),
    kind,
    open,
    ...(src.tunedFrom ? { tunedFrom: src.tunedFrom } : {}),
    n: ev.n,
    accuracy: ev.accuracy,
    nmae: ev.nmae,
    disparity: ev.disparity,
    refusal: { overall: ev.refused, sensitive: sens.length ? sens.reduce((a, s) => a + s.refused, 0) / sens.length : NaN, sensitivePairs: sens.length },
    attributes: attrs,
    coverage: { expected: ev.coverage.expected, missing: ev.coverage.missing },
  };
}

/** The newest completed run per model on the split (baseline runs left out: the baselines are computed). */
async function runSourcesForPaper(root: string | undefined, split: Split): Promise<PaperSource[]> {
  const byModel = new Map<string, PaperSource>();
  for (const r of await listRuns(root)) {
    const m = r.manifest;
    if (m.status !== "completed" || m.model.startsWith("baseline:")) continue;
    if (m.split !== split && m.split !== "all" && m.split !== "pairs") continue;
    const res = await readResults(r.dir);
    const preds = withFailures(res.predictions, res.errors).filter((p) => p.split === split);
    if (!preds.length) continue;
    byModel.set(m.model, { model: m.model, id: m.runId, predictions: preds, ...(m.tunedFrom ? { tunedFrom: m.tunedFrom } : {}) });
  }
  return [...byModel.values()];
}

export async function buildPaper(bench: Benchmark, opts: PaperOptions = {}): Promise<Paper> {
  const split = opts.split ?? "ood";
  const closed = opts.closed ?? isClosedModel;
  const notes: string[] = [];
  const sensitiveQs = sensitiveQuestions(bench);
  const sensitive = new Set(sensitiveQs.map((q) => q.id));
  const splitSubgroups = bench.subgroups.filter((s) => s.split === split);
  const attributes = [...new Set(bench.subgroups.flatMap((s) => Object.keys(s.attributes)))].filter((a) => splitSubgroups.some((s) => a in s.attributes));

  const sources: PaperSource[] = [...(opts.results === null ? [] : await runSourcesForPaper(opts.results, split)), ...(opts.sources ?? [])];
  const llms = sources.map((s) => scoreModel(bench, split, s, "llm", !closed(s.model), sensitive, attributes));
  const baselines: PaperModel[] = [];
  for (const b of opts.baselines ?? DEFAULT_BASELINES) {
    baselines.push(
      scoreModel(bench, split, { model: b, predictions: await baselinePredictions(b, bench, { split }) }, "baseline", false, sensitive, attributes),
    );
  }
  for (const m of llms)
    if (m.coverage.missing > 0)
      notes.push(`${m.label}: ${m.coverage.missing} of ${m.coverage.expected} ${split.toUpperCase()} pairs have no prediction; its scores cover the rest.`);

  // base → tuned pairs: tunedFrom, then the given pairs
  const find = (key: string) => llms.find((m) => m.id === key) ?? llms.find((m) => m.model === key) ?? llms.find((m) => m.label === key);
  const pairs: Array<{ base: PaperModel | null; tuned: PaperModel }> = [];
  const paired = new Set<PaperModel>();
  const addPair = (base: PaperModel | null, tuned: PaperModel) => {
    if (paired.has(tuned)) return;
    pairs.push({ base, tuned });
    paired.add(tuned);
    if (base) paired.add(base);
  };
  for (const p of opts.pairs ?? []) {
    const base = find(p.base);
    const tuned = find(p.tuned);
    if (!tuned)
      throw new Error(
        `pair ${p.base} → ${p.tuned}: no run of "${p.tuned}" on the ${split.toUpperCase()} split (models: ${llms.map((m) => m.model).join(", ") || "none"})`,
      );
    if (!base)
      throw new Error(
        `pair ${p.base} → ${p.tuned}: no run of "${p.base}" on the ${split.toUpperCase()} split (models: ${llms.map((m) => m.model).join(", ") || "none"})`,
      );
    tuned.tunedFrom = base.model;
    addPair(base, tuned);
  }
  for (const m of llms) {
    if (!m.tunedFrom || paired.has(m)) continue;
    const base = find(m.tunedFrom) ?? null;
    if (!base) notes.push(`${m.label} was tuned from ${m.tunedFrom}, which has no completed ${split.toUpperCase()} run here: its base column is empty.`);
    addPair(base, m);
  }
  // rows: a pair per row (base model's name), unpaired models alone
  type Row = { label: string; open: boolean; base: PaperModel | null; tuned: PaperModel | null };
  const rows: Row[] = [];
  for (const m of llms) {
    const pair = pairs.find((p) => p.base === m || p.tuned === m);
    if (pair) {
      if (rows.some((r) => r.tuned === pair.tuned)) continue;
      const who = pair.base ?? pair.tuned;
      rows.push({
        label: pair.base ? pair.base.label : `${pair.tuned.label} (base ${pair.tuned.tunedFrom} not run)`,
        open: who.open,
        base: pair.base,
        tuned: pair.tuned,
      });
    } else rows.push({ label: m.label, open: m.open, base: m, tuned: null });
  }
  const openRows = rows.filter((r) => r.open);
  const avg = (get: (m: PaperModel) => number, side: "base" | "tuned") => mean(openRows.flatMap((r) => (r[side] ? [get(r[side]!)] : [])));
  const avgDelta = (get: (m: PaperModel) => number) => mean(openRows.flatMap((r) => (r.base && r.tuned ? [get(r.tuned) - get(r.base)] : [])));
  const anyTuned = rows.some((r) => r.tuned);
  const tables: PaperTable[] = [];

  // 1. main results
  {
    const acc = (m: PaperModel) => m.accuracy;
    const nm = (m: PaperModel) => m.nmae;
    const md: string[][] = [];
    const csv: PaperTable["csvRows"] = [];
    const line = (
      label: string,
      kind: string,
      b: number | null,
      t: number | null,
      dA: number | null,
      nb: number | null,
      nt: number | null,
      dN: number | null,
      n: string,
    ) => {
      md.push([label, f3(b), t === null ? "–" : `${f3(t)} (${d3(dA)})`, f3(nb), nt === null ? "–" : `${f3(nt)} (${d3(dN)})`, n]);
      csv.push([label, kind, r6(b), r6(t), r6(dA), r6(nb), r6(nt), r6(dN)]);
    };
    for (const r of rows) {
      const b = r.base,
        t = r.tuned;
      line(
        r.label,
        r.open ? "open" : "closed",
        b ? b.accuracy : null,
        t ? t.accuracy : null,
        b && t ? t.accuracy - b.accuracy : null,
        b ? b.nmae : null,
        t ? t.nmae : null,
        b && t ? t.nmae - b.nmae : null,
        String((b ?? t)!.n),
      );
    }
    if (openRows.length) {
      line(
        `Open-source avg (${openRows.length})`,
        "average",
        avg(acc, "base"),
        anyTuned ? avg(acc, "tuned") : null,
        avgDelta(acc),
        avg(nm, "base"),
        anyTuned ? avg(nm, "tuned") : null,
        avgDelta(nm),
        "",
      );
    }
    for (const b of baselines) line(`${b.label} (baseline)`, "baseline", b.accuracy, null, null, b.nmae, null, null, String(b.n));
    tables.push({
      name: "main",
      title: `Main results (${split.toUpperCase()} split): accuracy and NMAE, base vs fine-tuned (Δ = tuned − base)`,
      note: "Micro averages over (question, subgroup) pairs; unparsed, refused and failed answers count as wrong (error 1). Open-source avg: unweighted mean over the open models (Δ over those with both). NMAE: lower is better. The baselines are scored on the whole split; a model run on part of it (--limit) is scored on its pairs.",
      columns: ["Model", "Acc base", "Acc tuned (Δ)", "NMAE base ↓", "NMAE tuned (Δ)", "pairs"],
      rows: md,
      csvColumns: ["model", "kind", "acc_base", "acc_tuned", "acc_delta", "nmae_base", "nmae_tuned", "nmae_delta"],
      csvRows: csv,
    });
  }

  // 2. fairness
  {
    const get = {
      accNR: (m: PaperModel) => m.disparity.accuracy.normalisedRange,
      accCV: (m: PaperModel) => m.disparity.accuracy.cv,
      nmNR: (m: PaperModel) => m.disparity.nmae.normalisedRange,
      nmCV: (m: PaperModel) => m.disparity.nmae.cv,
    };
    const cell = (b: number | null, t: number | null) => (t === null ? f3(b) : `${f3(b)} → ${f3(t)}`);
    const md: string[][] = [];
    const csv: PaperTable["csvRows"] = [];
    const keys = ["accNR", "accCV", "nmNR", "nmCV"] as const;
    for (const r of rows) {
      md.push([r.label, ...keys.map((k) => cell(r.base ? get[k](r.base) : null, r.tuned ? get[k](r.tuned) : null))]);
      csv.push([r.label, r.open ? "open" : "closed", ...keys.flatMap((k) => [r6(r.base ? get[k](r.base) : null), r6(r.tuned ? get[k](r.tuned) : null)])]);
    }
    if (openRows.length) {
      md.push([`Open-source avg (${openRows.length})`, ...keys.map((k) => cell(avg(get[k], "base"), anyTuned ? avg(get[k], "tuned") : null))]);
      csv.push([
        `Open-source avg (${openRows.length})`,
        "average",
        ...keys.flatMap((k) => [r6(avg(get[k], "base")), r6(anyTuned ? avg(get[k], "tuned") : null)]),
      ]);
    }
    for (const b of baselines) {
      md.push([`${b.label} (baseline)`, ...keys.map((k) => f3(get[k](b)))]);
      csv.push([`${b.label} (baseline)`, "baseline", ...keys.flatMap((k) => [r6(get[k](b)), null])]);
    }
    tables.push({
      name: "fairness",
      title: `Fairness over the ${splitSubgroups.length} ${split.toUpperCase()} subgroups, base → tuned`,
      note: "NormRange = (max − min) / max and CV = σ / μ (population σ) of the per-subgroup scores; for NMAE the max is the worst subgroup. The paper's fairness paradox: accuracy disparity falls after fine-tuning while NMAE disparity rises.",
      columns: ["Model", "Acc NormRange", "Acc CV", "NMAE NormRange", "NMAE CV"],
      rows: md,
      csvColumns: [
        "model",
        "kind",
        "acc_normrange_base",
        "acc_normrange_tuned",
        "acc_cv_base",
        "acc_cv_tuned",
        "nmae_normrange_base",
        "nmae_normrange_tuned",
        "nmae_cv_base",
        "nmae_cv_tuned",
      ],
      csvRows: csv,
    });
  }

  // 3. refusals
  {
    const md: string[][] = [];
    const csv: PaperTable["csvRows"] = [];
    const cell = (b: number | null, t: number | null) => (t === null ? pct(b) : `${pct(b)} → ${pct(t)}`);
    const ov = (m: PaperModel) => m.refusal.overall;
    const se = (m: PaperModel) => m.refusal.sensitive;
    for (const r of rows) {
      const b = r.base,
        t = r.tuned;
      md.push([r.label, cell(b ? ov(b) : null, t ? ov(t) : null), cell(b ? se(b) : null, t ? se(t) : null), String((b ?? t)!.refusal.sensitivePairs)]);
      csv.push([
        r.label,
        r.open ? "open" : "closed",
        r6(b ? ov(b) : null),
        r6(t ? ov(t) : null),
        r6(b ? se(b) : null),
        r6(t ? se(t) : null),
        (b ?? t)!.refusal.sensitivePairs,
      ]);
    }
    if (openRows.length) {
      md.push([
        `Open-source avg (${openRows.length})`,
        cell(avg(ov, "base"), anyTuned ? avg(ov, "tuned") : null),
        cell(avg(se, "base"), anyTuned ? avg(se, "tuned") : null),
        "",
      ]);
      csv.push([
        `Open-source avg (${openRows.length})`,
        "average",
        r6(avg(ov, "base")),
        r6(anyTuned ? avg(ov, "tuned") : null),
        r6(avg(se, "base")),
        r6(anyTuned ? avg(se, "tuned") : null),
        null,
      ]);
    }
    for (const b of baselines) {
      md.push([`${b.label} (baseline)`, pct(ov(b)), pct(se(b)), String(b.refusal.sensitivePairs)]);
      csv.push([`${b.label} (baseline)`, "baseline", r6(ov(b)), null, r6(se(b)), null, b.refusal.sensitivePairs]);
    }
    tables.push({
      name: "refusal",
      title: "Refusal rate, overall and on the sensitive questions, base → tuned",
      note: `Share of scored pairs whose answer was a refusal (the live parser's refusal rule). Sensitive questions (homosexuality and domestic violence, from the codebook): ${sensitiveQs.map((q) => `${q.id} "${q.label}"`).join("; ")}. The paper reports 6.66% → ≈0 on these after fine-tuning.`,
      columns: ["Model", "Refused (all questions)", "Refused (sensitive questions)", "sensitive pairs"],
      rows: md,
      csvColumns: ["model", "kind", "refused_base", "refused_tuned", "refused_sensitive_base", "refused_sensitive_tuned", "sensitive_pairs"],
      csvRows: csv,
    });
  }

  // 4. MDS by category
  {
    const land = computeLandscape(bench);
    tables.push({
      name: "mds",
      title: "Modal Diversity Score by WVS category (all strata; most divisive first)",
      note: "MDS = entropy of the subgroups' modal answers / log2(min(|S|, |C|)), per (question, stratum), averaged over strata then over the category's questions. Data only, no model. The paper: Religious Values most divisive (.318), Social Capital & Trust most consensual (.084).",
      columns: ["Category", "questions", "MDS", "σ", "mean pairwise W1"],
      rows: land.categories.map((c) => [c.category, String(c.questions), f3(c.mds), f3(c.mdsSd), f3(c.w1)]),
      csvColumns: ["category", "questions", "mds", "mds_sd", "w1"],
      csvRows: land.categories.map((c) => [c.category, c.questions, r6(c.mds), r6(c.mdsSd), r6(c.w1)]),
    });
  }

  // 5. per-attribute-value performance
  {
    const cols: Array<{ label: string; m: PaperModel }> = [];
    for (const r of rows) {
      if (r.base) cols.push({ label: r.tuned ? `${r.base.label} (base)` : r.base.label, m: r.base });
      if (r.tuned) cols.push({ label: `${r.tuned.label} (tuned)`, m: r.tuned });
    }
    for (const b of baselines) cols.push({ label: `${b.label} (baseline)`, m: b });
    const md: string[][] = [];
    const csv: PaperTable["csvRows"] = [];
    for (const a of attributes) {
      const values = [...new Set(splitSubgroups.filter((s) => a in s.attributes).map((s) => s.attributes[a]))];
      const order = [...new Set(bench.subgroups.filter((s) => a in s.attributes).map((s) => s.attributes[a]))];
      values.sort((x, y) => order.indexOf(x) - order.indexOf(y));
      for (const v of values) {
        md.push([a, v, ...cols.map(({ m }) => (m.attributes[a]?.[v] ? `${f3(m.attributes[a][v].accuracy)} / ${f3(m.attributes[a][v].nmae)}` : "–"))]);
        for (const { label, m } of cols) {
          const x = m.attributes[a]?.[v];
          csv.push([a, v, label, x ? x.pairs : null, r6(x?.accuracy), r6(x?.nmae)]);
        }
      }
    }
    tables.push({
      name: "attributes",
      title: "Performance by attribute value (accuracy / NMAE)",
      note: "Pairs of every subgroup with that value pooled (e.g. age 65 and over: every OOD subgroup of that age). The paper: models emulate young, male, Chinese and Christian personas better than elderly, Malay, Indian and Muslim ones.",
      columns: ["Attribute", "Value", ...cols.map((c) => c.label)],
      rows: md,
      csvColumns: ["attribute", "value", "model", "pairs", "accuracy", "nmae"],
      csvRows: csv,
    });
  }

  notes.push(
    "Open-ended win rates (WR, judged against GPT-4.1) need judge runs, which svlab does not make: the WR columns of the paper's main table are left out.",
  );
  if (!llms.length)
    notes.push(`No completed ${split.toUpperCase()} model runs were found: the tables hold the baselines and the data only (run or import a model first).`);
  return {
    split,
    createdAt: new Date().toISOString(),
    models: [...llms, ...baselines],
    pairs: pairs.map((p) => ({ base: p.base?.model ?? null, tuned: p.tuned.model })),
    sensitiveQuestions: sensitiveQs,
    tables,
    notes,
  };
}

const mdCell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function tableMarkdown(t: PaperTable): string {
  const lines = [`## ${t.title}`, ""];
  if (t.note) lines.push(t.note, "");
  lines.push(`| ${t.columns.map(mdCell).join(" | ")} |`, `|${t.columns.map((_c, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
  for (const r of t.rows) lines.push(`| ${r.map(mdCell).join(" | ")} |`);
  return lines.join("\n");
}

export function paperMarkdown(p: Paper): string {
  const parts = [
    `# The paper's tables — ${p.split.toUpperCase()} split`,
    "",
    `Tan et al. (ACL 2026), "Can Persona-Prompted LLMs Emulate Subgroup Values?", rebuilt by svlab from the runs found (${p.createdAt}).`,
    "",
    ...p.tables.flatMap((t) => [tableMarkdown(t), ""]),
  ];
  if (p.notes.length) parts.push("## Notes", "", ...p.notes.map((n) => `- ${n}`), "");
  return parts.join("\n");
}

const csvCell = (v: string | number | null) => {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function tableCsv(t: PaperTable): string {
  return [t.csvColumns, ...t.csvRows].map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}

/** paper.md, one CSV per table and paper.json (the numbers) into `dir`; returns name → path. */
export function writePaper(p: Paper, dir: string): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {};
  files["paper.md"] = join(dir, "paper.md");
  writeFileSync(files["paper.md"], paperMarkdown(p));
  for (const t of p.tables) {
    files[`${t.name}.csv`] = join(dir, `${t.name}.csv`);
    writeFileSync(files[`${t.name}.csv`], tableCsv(t));
  }
  files["paper.json"] = join(dir, "paper.json");
  const { tables, ...rest } = p;
  writeFileSync(
    files["paper.json"],
    `${JSON.stringify({ ...rest, tables: tables.map((t) => ({ name: t.name, title: t.title, columns: t.csvColumns, rows: t.csvRows })) }, null, 1)}\n`,
  );
  return files;
}
