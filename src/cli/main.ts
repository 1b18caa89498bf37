/** svlab's command line: build the command tree (./program.ts), run it, and tell errors in one line. */
import { redact } from "../models/secrets";
import { describeError, isBug } from "./errors";
import { buildProgram } from "./program";
import { svlabVersion } from "./version";

export { buildProgram };

async function main(): Promise<void> {
  // `svlab --version` alone answers without loading every command (as commander would print it).
  if (process.argv.length === 3 && (process.argv[2] === "--version" || process.argv[2] === "-V")) {
    process.stdout.write(`${svlabVersion()}\n`);
    return;
  }
  const program = await buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code?.startsWith("commander.")) {
      // commander already printed its message (help, version, unknown option, …)
      process.exitCode = e.exitCode ?? 1;
      return;
    }
    process.stderr.write(`${redact(describeError(err))}\n`);
    if (process.env.SVLAB_DEBUG || isBug(err)) process.stderr.write(`${redact(String((err as Error)?.stack ?? err))}\n`);
    process.exitCode = 1;
  }
}

await main();
