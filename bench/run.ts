/**
 * `npm run bench`: every benchmark in one run on this machine, printed as JSON sections.
 * Timings live here, never in tests. Each bench module exports `run()`; pass names to run a subset
 * (e.g. `npm run bench -- loader metrics`).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { projectRoot } from "../src/paths";

const ALL = ["loader", "metrics", "disparity", "runner-overhead", "llama-scoring", "figures", "notebook-browser", "import"];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const names = wanted.length ? wanted : ALL;
  const results: Record<string, unknown> = {};
  for (const name of names) {
    const file = join(projectRoot(), "bench", `${name}.ts`);
    if (!existsSync(file)) {
      results[name] = { skipped: `bench/${name}.ts not found` };
      continue;
    }
    process.stderr.write(`bench: ${name}…\n`);
    const mod = (await import(pathToFileURL(file).href)) as { run?: () => Promise<unknown> };
    try {
      results[name] = mod.run ? await mod.run() : { skipped: "no run() export" };
    } catch (e) {
      results[name] = { error: (e as Error).message };
    }
    console.log(`\n## ${name}\n${JSON.stringify(results[name], null, 2)}`);
  }
}

await main();
