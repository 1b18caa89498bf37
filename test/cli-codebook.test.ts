/**
 * svlab codebook without its input files says which files it expects and where to get them; the
 * list it names is the list buildCodebook reads (checked on the real codebook files when present).
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CODEBOOK_SOURCES, missingCodebookSources } from "../src/cli/commands/codebook";
import { buildCodebook, serialiseCodebook } from "../src/wvs/codebook-build";
import { dataDir } from "../src/paths";
import { REAL_DIR } from "./support/real-data";
import { svlab } from "./support/cli";

const haveSources = CODEBOOK_SOURCES.every((f) => existsSync(join(REAL_DIR, f.path))) ? false : "the codebook source files are absent (../shared/wvs-real)";

let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), "svlab-cli-codebook-"));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test("svlab codebook without its source folder: exit 1, every expected file named with where to get it, nothing written", () => {
  const source = join(tmp, "no-such-folder");
  const out = join(tmp, "out");
  const r = svlab(["codebook", "--source", source, "--out", out]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines[0], `svlab: codebook: 4 of the 4 codebook source files are missing from ${source} (no such folder):`);
  assert.deepEqual(
    lines.slice(1, 5).map((l) => l.trim().split(/\s+/)[0]),
    [
      "derived/wvs7_codebook_v6_core_Q1-Q290.json",
      "worldvaluesbench/question_metadata.json",
      "worldvaluesbench/answer_adjustment.json",
      "derived/sgp_specific_codes.json",
    ],
  );
  assert.ok(lines[2].includes("https://github.com/Demon702/WorldValuesBench, dataset_construction/question_metadata.json"));
  assert.ok(lines[1].includes("https://www.worldvaluessurvey.org/WVSDocumentationWV7.jsp"));
  assert.equal(lines[5], "Put them there (SOURCE.md in ../shared/wvs-real says how each was made), or pass --source DIR.");
  assert.equal(existsSync(out), false);
  assert.equal(r.stderr.includes("    at "), false, "no stack trace");
});

test("only the missing files are named", () => {
  const source = join(tmp, "partial");
  mkdirSync(join(source, "worldvaluesbench"), { recursive: true });
  cpSync(join(dataDir(), "codebook.json"), join(source, "worldvaluesbench", "question_metadata.json")); // any file: only presence is checked
  const msg = missingCodebookSources(source)!;
  assert.ok(msg.startsWith(`codebook: 3 of the 4 codebook source files are missing from ${source}:`), msg);
  assert.equal(msg.includes("question_metadata.json"), false);
  assert.equal(missingCodebookSources(join(tmp, "nope"))!.includes("(no such folder)"), true);
});

test("the files the error names are exactly the ones buildCodebook reads", { skip: haveSources }, () => {
  // only the listed files, copied: the build works and gives the shipped codebook
  const only = join(tmp, "only-listed");
  for (const f of CODEBOOK_SOURCES) {
    mkdirSync(dirname(join(only, f.path)), { recursive: true });
    cpSync(join(REAL_DIR, f.path), join(only, f.path));
  }
  assert.equal(missingCodebookSources(only), null);
  assert.equal(serialiseCodebook(buildCodebook(only)), readFileSync(join(dataDir(), "codebook.json"), "utf8"));
  // each listed file is needed
  for (const f of CODEBOOK_SOURCES) {
    const dir = join(tmp, `without-${f.path.replace(/\W/g, "_")}`);
    cpSync(only, dir, { recursive: true });
    rmSync(join(dir, f.path));
    assert.throws(
      () => buildCodebook(dir),
      (e: Error) => e.message.includes(f.path.split("/").pop()!),
      f.path,
    );
  }
});
