/** How the CLI tells an error to the user: one sentence, and a stack trace only for real bugs. */

/** What Node's file errors mean, in words. */
const FS_ERRORS: Record<string, string> = {
  ENOENT: "no such file or folder",
  EISDIR: "is a folder, expected a file",
  ENOTDIR: "a part of this path is a file, not a folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EEXIST: "already exists",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EMFILE: "too many open files",
};

/** JavaScript's own error types: thrown by a bug in svlab, not by what the user asked. */
const BUG_ERRORS = new Set(["TypeError", "ReferenceError", "RangeError", "SyntaxError", "EvalError", "URIError", "AssertionError"]);

export function isBug(err: unknown): boolean {
  const e = err as { name?: string; code?: string; syscall?: string };
  if (e?.code && e.syscall) return false; // a Node system error (file, network): the environment, not a bug
  return BUG_ERRORS.has(e?.name ?? "") || !(err instanceof Error);
}

/**
 * One line for the user: our errors (CliError, WvsFileError, ProviderError, plain Error) as they are;
 * Node's file errors (ENOENT, EISDIR, ENOTDIR, EACCES, …) as one sentence naming the path; anything
 * else (TypeError, …) as an internal error, with the stack (printed by the caller).
 */
export function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { dest?: string };
  if (e?.code && FS_ERRORS[e.code] && (e.path || e.syscall)) {
    const where = e.path ? `${e.path}${e.dest ? ` → ${e.dest}` : ""}: ` : "";
    return `svlab: ${where}${FS_ERRORS[e.code]}${e.syscall ? ` (${e.syscall})` : ""}`;
  }
  if (isBug(err)) {
    return `svlab: internal error (a bug in svlab, please report it with the command you ran): ${(err as Error)?.message ?? String(err)}`;
  }
  return `svlab: ${(err as Error).message}`;
}
