/** Spawns test/store/publishChild.ts and collects its output and how it ended. */
import { spawn } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(REPO, 'test/store/publishChild.ts');

export interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  result: { status: string; snapshotId: string | null } | null;
  enter: number | null;
  leave: number | null;
}

export function runPublishChild(env: Record<string, string>): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const line = (prefix: string) =>
        stdout
          .split('\n')
          .find((l) => l.startsWith(prefix + ' '))
          ?.slice(prefix.length + 1);
      const result = line('result');
      resolve({
        code,
        signal,
        stdout,
        stderr,
        result: result ? JSON.parse(result) : null,
        enter: line('enter') ? Number(line('enter')) : null,
        leave: line('leave') ? Number(line('leave')) : null,
      });
    });
  });
}
