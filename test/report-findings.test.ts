/**
 * The report's findings are written from the numbers: group names come from the benchmark, a value
 * of a single subgroup is flagged and never ranked, every disparity is set beside its noise floor —
 * and a benchmark whose labels are renamed gets sentences with the new names (nothing hard-coded).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import type { Benchmark } from "../src/benchmark/types";
import { analyseResults } from "../src/analysis/results";
import { allTables } from "../src/report/tables";
import { findings } from "../src/report/write";

/** The same benchmark with every ethnicity and religion value renamed (ids, attributes, pairs). */
function renamed(b: Benchmark, map: Record<string, string>): Benchmark {
  const fix = (s: string) => Object.entries(map).reduce((x, [a, z]) => x.split(a).join(z), s);
  return {
    ...b,
    subgroups: b.subgroups.map((s) => ({ ...s, id: fix(s.id), attributes: Object.fromEntries(Object.entries(s.attributes).map(([k, v]) => [k, fix(v)])) })),
    pairs: b.pairs.map((p) => ({ ...p, subgroup: fix(p.subgroup) })),
  };
}

test("findings from the numbers: single-subgroup values flagged, never ranked; noise floors beside the disparity; names from the benchmark", async () => {
  const bench = await loadBenchmark();
  const a = await analyseResults(bench, { results: null, bootstrap: 200, permutations: 300 });
  const text = findings(a).join("\n");
  // The national mode's numbers, as evaluate gives them.
  assert.match(text, /accuracy normalised range is 0\.275 \[0\.\d+, 0\.\d+\], above the 0\.1\d\d expected from subgroup sizes alone \(p [<=] 0\.0\d+\)/);
  // Roman Catholic pools one OOD subgroup: flagged, not "highest".
  assert.match(
    text,
    /by religion, highest \w+ \(0\.\d+\) and lowest \w+ \(0\.\d+\) \(Catholic \(0\.\d+, one subgroup only\): a single subgroup's score, not ranked\)/,
  );
  assert.doesNotMatch(text, /highest (Roman )?Catholic/);
  // Labels: stability in small vs larger subgroups, ties and off-scale labels, from the counts.
  assert.match(text, /252 labels are tied modes \(142 in small subgroups\)/);
  assert.match(text, /Q222 "Not allowed to vote"/);
  // No conclusion that was not computed.
  assert.doesNotMatch(text, /minorities|the young differ|fits Chinese personas/);
  // Tables carry the noise floor and the calibrated test.
  const tables = allTables(a);
  const fair = tables.find((t) => t.title === "Fairness across subgroups")!;
  assert.match(fair.rows[0][1], /^0\.275 \[0\.\d+, 0\.\d+\]; 0\.1\d\d from sizes alone \(p [<=] /);
  const gaps = tables.find((t) => t.title.startsWith("Attribute gaps"))!;
  assert.ok(gaps.rows.length >= 3);
  assert.ok(!gaps.rows.some((r) => /Catholic/.test(r[3])), "a one-subgroup value is never the highest");

  // Renamed groups: the sentences follow the data.
  const other = renamed(bench, { "SG: Chinese": "Group A", "SG: Malay": "Group B", "Roman Catholic": "Faith X" });
  const b = await analyseResults(other, { results: null, bootstrap: 0, permutations: 100 });
  const t2 = findings(b).join("\n");
  assert.doesNotMatch(t2, /Chinese|Malay|Roman Catholic/);
  assert.match(t2, /Faith X \(0\.\d+, one subgroup only\)/);
});
