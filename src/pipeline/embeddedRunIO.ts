/**
 * What an embedded run (`careerdata refresh`, `careerdata rescore`) hands createRunContext: the
 * snapshot store, the notifier (webhook deliveries logged under RUNS_DIR) and, only when REDIS_URL
 * was set explicitly, a short-lived Redis connection for the cross-machine publish lock, the events
 * stream and the run history. A worker builds its own set, once per process.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { notifierFromConfig } from '../notify/notifier.js';
import { SnapshotStore } from '../store/snapshotStore.js';
import type { RunIO } from './runContext.js';

/**
 * A short-lived client for commands: fail fast (no offline queue, few retries) rather than hang
 * a CLI run when Redis is down; the events it would carry are best-effort by design.
 */
export function createCommandRedis(url: string): Redis {
  // ioredis takes ~0.1 s and ~20 MB to load: only when Redis is configured (not for an embedded run).
  const { Redis: Client } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
  return new Client(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5_000 });
}

export function embeddedRunIO(config: Config, log: Logger): RunIO {
  const redis = config.redisConfigured && config.REDIS_URL ? createCommandRedis(config.REDIS_URL) : undefined;
  redis?.on('error', (err) => log.warn({ err: err.message }, 'redis unavailable'));
  return {
    store: new SnapshotStore({ dir: path.resolve(config.SNAPSHOT_DIR), log, ...(redis ? { redis } : {}) }),
    notifier: notifierFromConfig(config, {
      log,
      redis,
      deliveriesLog: path.join(path.resolve(config.RUNS_DIR), 'deliveries.ndjson'),
    }),
    ...(redis ? { redis } : {}),
  };
}
