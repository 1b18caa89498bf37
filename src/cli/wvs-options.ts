/** The --unknown-codes-as-missing option shared by commands that read WVS microdata, and its printed count. */
import type { Command } from "commander";
import type { Benchmark } from "../benchmark/types";
import { describeUnknownCodes, type UnknownCodes } from "../wvs/validate";

export const UNKNOWN_CODES_FLAG = "--unknown-codes-as-missing";

/** Add the option to a command that reads --wvs. */
export function unknownCodesOption(cmd: Command): Command {
  return cmd.option(
    UNKNOWN_CODES_FLAG,
    "load answer codes the codebook does not know (e.g. legitimate country-specific codes) as missing, and print how many; default: refuse the file",
  );
}

/** Print the count of unknown codes let through (stderr, so --json output stays clean). */
export function noteUnknownCodes(u: UnknownCodes | undefined): void {
  if (u && u.total > 0) process.stderr.write(`svlab: ${describeUnknownCodes(u)}\n`);
}

/** The count a benchmark built with unknownCodesAsMissing carries in its provenance. */
export function noteBenchmarkUnknownCodes(b: Benchmark): void {
  noteUnknownCodes((b.provenance as { unknownCodesAsMissing?: UnknownCodes }).unknownCodesAsMissing);
}
