/** Run the real `svlab` command (bin/svlab.mjs) in a child process. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../../src/paths";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  json: () => any;
}

export function svlab(args: string[], opts: { env?: Record<string, string | undefined>; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [join(projectRoot(), "bin", "svlab.mjs"), ...args], {
    cwd: projectRoot(),
    encoding: "utf8",
    env: { ...process.env, ...opts.env },
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}
