/**
 * Redis connections, with the settings production needs:
 * - workers: `maxRetriesPerRequest: null` so a blocking command (and every BullMQ call) waits through
 *   a Redis restart instead of failing the job; ioredis reconnects with a capped backoff.
 * - producers (CLI trigger, API): `enableOfflineQueue: false` so an enqueue fails at once with a clear
 *   error while Redis is unreachable, instead of hanging an HTTP request or a terminal.
 */
import { Redis, type RedisOptions } from 'ioredis';

const reconnect = (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 3_000);

export function workerRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: reconnect,
  });
}

export function producerRedis(url: string, name: string, opts: Partial<RedisOptions> = {}): Redis {
  return new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    retryStrategy: reconnect,
    ...opts,
  });
}

/** `redis://:secret@host:6379/0` → `redis://host:6379/0` (for messages and logs). */
export function safeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'redis://(unparseable URL)';
  }
}

export class RedisUnavailableError extends Error {
  constructor(url: string, cause?: unknown) {
    super(
      `Redis at ${safeRedisUrl(url)} is not reachable; start it or set REDIS_URL (the worker, trigger, runs and schedule commands need it)`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'RedisUnavailableError';
  }
}

/** Resolve once `redis` is ready, or reject with RedisUnavailableError after `timeoutMs`. */
export async function waitForRedis(redis: Redis, url: string, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new RedisUnavailableError(url));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onEnd = () => {
      cleanup();
      reject(new RedisUnavailableError(url));
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('end', onEnd);
    };
    redis.once('ready', onReady);
    redis.once('end', onEnd);
  });
}

/** Close without waiting on a dead server: QUIT when connected, else disconnect. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
}
