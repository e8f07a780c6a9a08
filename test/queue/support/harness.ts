/**
 * Worker tests against a real Redis: a random QUEUE_PREFIX, temp SNAPSHOT/CACHE/RUNS dirs shared by
 * every process of the test, the offline fixture server behind a recording proxy, worker child
 * processes (`node --import tsx main.ts worker`), and a clean-up that kills what it started
 * and deletes every key under the prefix.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { type Config, loadConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/log.js';
import { type OfflineEnvironment, startOfflineEnvironment } from '../../../src/offline/offlineEnvironment.js';
import { openProducer, type Producer } from '../../../src/queue/runs/producer.js';
import type { RunRecord } from '../../../src/queue/runs/runStore.js';
import { SnapshotStore } from '../../../src/store/snapshotStore.js';
import { type RecordingProxy, startRecordingProxy } from './proxy.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

export interface WorkerChild {
  pid: number;
  /** The BullMQ worker name it logged (`host:pid`). */
  name: string;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  signal(sig: NodeJS.Signals): void;
}

export interface QueueHarness {
  dir: string;
  prefix: string;
  redisUrl: string;
  offline: OfflineEnvironment;
  proxy: RecordingProxy;
  /** Environment of a worker process (and of `config`). */
  env(extra?: Record<string, string>): Record<string, string>;
  config(extra?: Record<string, string>): Config;
  spawnWorker(extra?: Record<string, string>, opts?: { preload?: string }): Promise<WorkerChild>;
  producer(extra?: Record<string, string>): Promise<Producer>;
  store(): SnapshotStore;
  /** Poll the run history until the run has finished (or `timeoutMs` passes: then throw). */
  waitForRun(runId: string, timeoutMs?: number): Promise<RunRecord>;
  close(): Promise<void>;
}

export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  // Tests that stop their own Redis on purpose clean up against a dead server: the rejected
  // command says so to the caller; without a listener ioredis also prints every reconnect failure.
  redis.on('error', () => {});
  try {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (found.length) await redis.del(...found);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function queueHarness(
  redisUrl: string,
  base: Record<string, string> = {},
): Promise<QueueHarness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-queue-'));
  const prefix = `cdtest-${randomBytes(4).toString('hex')}`;
  const offline = await startOfflineEnvironment({ port: 0 });
  const proxy = await startRecordingProxy(offline.server.url);
  const children: { child: ChildProcess; exited: Promise<unknown> }[] = [];
  const producers: Producer[] = [];

  const env = (extra: Record<string, string> = {}) => {
    const pointed = Object.fromEntries(
      Object.entries(offline.env).map(([k, v]) => [k, v.split(offline.server.url).join(proxy.url)]),
    );
    return {
      ...pointed,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      EVENTS_STREAM: `${prefix}:events`,
      SNAPSHOT_DIR: path.join(dir, 'snapshots'),
      CACHE_DIR: path.join(dir, 'cache'),
      RUNS_DIR: path.join(dir, 'runs'),
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      HTTP_RETRY_BASE_DELAY: '20ms',
      HTTP_RETRY_MAX_DELAY: '200ms',
      QUEUE_BACKOFF_DELAY: '200ms',
      WATCHDOG_INTERVAL: '0',
      SHUTDOWN_TIMEOUT: '5s',
      ...base,
      ...extra,
    };
  };

  /** `preload`: a module imported before the CLI (fault injection inside the worker process). */
  const spawnWorker = async (
    extra: Record<string, string> = {},
    opts: { preload?: string } = {},
  ): Promise<WorkerChild> => {
    const preload = opts.preload ? ['--import', opts.preload] : [];
    const child = spawn(process.execPath, ['--import', 'tsx', ...preload, 'main.ts', 'worker'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...env(extra) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    children.push({ child, exited });
    const lines: string[] = [];
    let buffer = '';
    const name = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not start:\n${lines.join('\n')}`)), 30_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let i = buffer.indexOf('\n');
        while (i >= 0) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          lines.push(line);
          if (line.includes('"msg":"worker ready"')) {
            clearTimeout(timer);
            resolve((JSON.parse(line) as { worker: string }).worker);
          }
          i = buffer.indexOf('\n');
        }
      });
      void exited.then(({ code }) => {
        clearTimeout(timer);
        reject(new Error(`worker exited with ${code} before it was ready:\n${lines.join('\n')}`));
      });
    });
    return {
      pid: child.pid!,
      name,
      lines,
      exited,
      signal: (sig) => {
        child.kill(sig);
      },
    };
  };

  const config = (extra: Record<string, string> = {}) => loadConfig(env({ LOG_LEVEL: 'silent', ...extra }));

  const producer = async (extra: Record<string, string> = {}) => {
    const p = await openProducer(config(extra), silentLogger);
    producers.push(p);
    return p;
  };

  let historyReader: Producer | undefined;
  const waitForRun = async (runId: string, timeoutMs = 60_000): Promise<RunRecord> => {
    historyReader ??= await producer();
    const until = Date.now() + timeoutMs;
    for (;;) {
      const run = await historyReader.runs.get(runId).catch(() => null);
      if (run?.finishedAt) return run;
      if (Date.now() > until) {
        throw new Error(`run ${runId} did not finish within ${timeoutMs} ms: ${JSON.stringify(run)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  return {
    dir,
    prefix,
    redisUrl,
    offline,
    proxy,
    env,
    config,
    spawnWorker,
    producer,
    store: () => new SnapshotStore({ dir: path.join(dir, 'snapshots') }),
    waitForRun,
    close: async () => {
      for (const { child, exited } of children) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      }
      for (const p of producers) await p.close().catch(() => undefined);
      await deleteKeysWithPrefix(redisUrl, prefix).catch(() => undefined);
      await proxy.close();
      await offline.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
