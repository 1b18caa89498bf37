/** Small helpers shared by CLI commands: JSON vs human output, and user-facing errors. */

/** An error whose message is meant for the user as is (no stack trace). */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

/** Print `value` as JSON (with --json) or through `human` otherwise. */
export function emit(value: unknown, json: boolean | undefined, human?: (v: any) => string): void {
  if (json || !human) process.stdout.write(`${JSON.stringify(value, null, json ? 0 : 2)}\n`);
  else process.stdout.write(`${human(value)}\n`);
}
