/**
 * Line 4: the same refresh (fresh dirs, same inputs) through the queue: a private redis-server, two
 * `careerdata worker` processes and `careerdata trigger --wait`, CareerOneStop split into
 * per-occupation jobs against the fixture API with no delay and no rate limit. Compared with the
 * in-process refresh of line 2.
 */

import { redisServerOnPath, startRedisServer } from '../../test/support/redisServer.js';
import { built } from '../lib/build.js';
import { runNode, startNode } from '../lib/child.js';
import type { BenchEnvironment } from './environment.js';

export interface QueueBench {
  wallMs: number;
  workers: number;
  workerMaxRssKiB: (number | undefined)[];
  triggerExitCode: number | null;
  summary: Record<string, unknown> | null;
  fileBodyBytes: number;
  careerOneStopRequests: number;
}

/**
 * A throw-away redis-server on a free port (no persistence), so the benchmark shares nothing. (Runs
 * in the benchmark's own tsx process, which is why it may use the test support module.)
 */
export async function startPrivateRedis(): Promise<
  { url: string; stop(): Promise<void> } | { unavailable: string }
> {
  if (!redisServerOnPath()) {
    return { unavailable: 'no redis-server binary on PATH (apt-get install redis-server)' };
  }
  try {
    return await startRedisServer();
  } catch (err) {
    return { unavailable: (err as Error).message };
  }
}

/** Which queue commands this build lacks (empty when `worker` and `trigger` both exist). */
export async function missingQueueCommands(help: string): Promise<string[]> {
  return ['worker', 'trigger'].filter((c) => !new RegExp(`^\\s+${c}\\b`, 'm').test(help));
}

export async function benchQueue(
  envr: BenchEnvironment,
  redisUrl: string,
  opts: { workers: number; timeoutMs: number },
  log: (line: string) => void,
): Promise<QueueBench> {
  // No watchdog: with no snapshot yet it would start a catch-up run before the measured trigger.
  const env = {
    ...envr.env,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `bench${process.pid}`,
    WATCHDOG_INTERVAL: '0',
  };
  const cli = built('main.ts');
  const workers = Array.from({ length: opts.workers }, () =>
    startNode(cli, ['worker'], { env, cwd: envr.dir }),
  );
  try {
    // Let the workers connect and register before the clock starts.
    await new Promise((r) => setTimeout(r, 3000));
    const mark = envr.server.requests.length;
    const trigger = await runNode(cli, ['trigger', '--wait', '--json'], {
      env,
      cwd: envr.dir,
      timeoutMs: opts.timeoutMs,
    });
    const served = envr.servedSince(mark);
    let summary: Record<string, unknown> | null = null;
    try {
      summary = JSON.parse(trigger.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
    } catch {}
    if (trigger.code !== 0) {
      throw new Error(
        `careerdata trigger --wait exited ${trigger.code ?? trigger.signal}: ${trigger.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      );
    }
    log(`  through the queue: ${(trigger.wallMs / 1000).toFixed(1)} s`);
    for (const w of workers) w.child.kill('SIGTERM');
    const runs = await Promise.all(workers.map((w) => w.done));
    return {
      wallMs: trigger.wallMs,
      workers: opts.workers,
      workerMaxRssKiB: runs.map((r) => r.maxRssKiB),
      triggerExitCode: trigger.code,
      summary,
      fileBodyBytes: served.fileBodyBytes,
      careerOneStopRequests: served.careerOneStopRequests,
    };
  } finally {
    for (const w of workers)
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.done.catch(() => undefined)));
  }
}
