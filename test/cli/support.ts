/** Runs the CLI from source (tsx) as a child process and collects its exit code and output. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  env: Record<string, string>,
  opts: { timeoutMs?: number; cwd?: string } = {},
): Promise<CliResult> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...env },
      timeout: opts.timeoutMs ?? 60_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
