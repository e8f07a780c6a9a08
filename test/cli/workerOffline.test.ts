/**
 * The production mode tried locally, as the README says: `careerdata worker --offline` fetches from
 * the bundled fixtures, `careerdata trigger --wait --json` (unchanged) asks for a run and follows it.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../queue/support/cli.js';
import { type QueueHarness, queueHarness, REPO_ROOT } from '../queue/support/harness.js';

const redisUrl = inject('redisUrl');

describe('careerdata worker --offline', { timeout: 120_000 }, () => {
  let h: QueueHarness;
  let env: Record<string, string>;
  beforeAll(async () => {
    h = await queueHarness(redisUrl);
    // No source URL or credential: the worker's --offline supplies them.
    const sourceKeys = new Set(Object.keys(h.offline.env));
    env = Object.fromEntries(Object.entries(h.env()).filter(([k]) => !sourceKeys.has(k)));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('runs a triggered refresh against the fixtures; trigger --wait --json prints one JSON object', async () => {
    const worker = spawn(process.execPath, ['--import', 'tsx', 'main.ts', 'worker', '--offline'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        let log = '';
        worker.stderr!.on('data', (c: Buffer) => {
          log += c.toString();
          if (log.includes('"msg":"worker ready"')) resolve();
        });
        void exited.then((code) => reject(new Error(`worker exited (${code}):\n${log}`)));
      });
      const triggered = await runCli(['trigger', '--wait', '--json'], env).done;
      expect(triggered.code, triggered.stderr).toBe(0);
      const out = JSON.parse(triggered.stdout) as { runId: string; created: boolean; status: string };
      expect(out).toMatchObject({ created: true, status: 'published' });
      expect(out.runId).toMatch(/^run-/);
    } finally {
      worker.kill('SIGTERM');
      await exited;
    }
  });
});
