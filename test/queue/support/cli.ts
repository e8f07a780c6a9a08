/** Run the real CLI as a child process (`node --import tsx main.ts …`), output collected. */
import { spawn } from 'node:child_process';
import { REPO_ROOT } from './harness.js';

export interface CliRun {
  output(): { stdout: string; stderr: string };
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function runCli(args: string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return {
    output: () => ({ stdout, stderr }),
    done: new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr }))),
  };
}
