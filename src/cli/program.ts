/**
 * svlab's command tree. Every file in ./commands exports `register(program)`; this file only
 * collects them, so each stage adds its command without touching the others. Built apart from
 * main.ts so tests can look commands and options up without running anything.
 */
import { Command } from "commander";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CliError } from "./output";
import { configureDefaultsHelp } from "./help";
import { svlabVersion } from "./version";

const here = dirname(fileURLToPath(import.meta.url));

export async function buildProgram(): Promise<Command> {
  const program = new Command("svlab")
    .description("Subgroup Values Lab: can persona-prompted LLMs answer as World Values Survey (WVS-7) subgroups do?")
    .version(svlabVersion(), "-V, --version", "print svlab's version")
    .showHelpAfterError()
    .exitOverride();
  configureDefaultsHelp(program);
  const dir = join(here, "commands");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort();
  for (const f of files) {
    try {
      const mod = (await import(pathToFileURL(join(dir, f)).href)) as { register?: (p: Command) => void };
      mod.register?.(program);
    } catch (err) {
      // One broken command must not take the others down: register a stub that reports why.
      const name = f.replace(/\.ts$/, "");
      program
        .command(name)
        .description(`(unavailable: ${(err as Error).message.split("\n")[0]})`)
        .allowUnknownOption()
        .action(() => {
          throw new CliError(`command "${name}" failed to load: ${(err as Error).message}`);
        });
    }
  }
  return program;
}
