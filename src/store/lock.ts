/**
 * Serialises publishers. Always a lock file in the snapshot directory (proper-lockfile: works across
 * processes, and a crashed holder's lock goes stale); when Redis is configured, also a Redis lock
 * (SET NX PX with a random token, refreshed while held, released only by its holder) so publishers
 * on different machines sharing the store are serialised too.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Redis } from 'ioredis';
import lockfile from 'proper-lockfile';
import type { Logger } from '../log.js';

export class LockTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockTimeoutError';
  }
}

export class LockLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockLostError';
  }
}

export interface LockOptions {
  dir: string;
  log: Logger;
  redis?: Redis | undefined;
  /** Redis key of the cross-machine lock. */
  redisKey?: string;
  /** How long a waiter waits for the holder before giving up. */
  waitMs?: number;
  /** A lock file not refreshed for this long belongs to a dead process (proper-lockfile, min 2 s). */
  staleMs?: number;
  /** Expiry of the Redis lock; refreshed every third of it while held. */
  redisTtlMs?: number;
}

export interface HeldLock {
  /** Throws LockLostError when the lock was lost (stale, expired) while held. */
  assertHeld(): void;
  release(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const REFRESH_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

async function acquireRedis(
  redis: Redis,
  key: string,
  ttlMs: number,
  waitMs: number,
  log: Logger,
): Promise<HeldLock> {
  const token = randomBytes(16).toString('hex');
  const deadline = Date.now() + waitMs;
  for (;;) {
    const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
    if (ok === 'OK') break;
    if (Date.now() > deadline) {
      throw new LockTimeoutError(
        `another publisher holds the Redis lock ${key}; waited ${Math.round(waitMs / 1000)} s`,
      );
    }
    await sleep(100 + Math.floor(Math.random() * 100));
  }
  let lost: string | null = null;
  const timer = setInterval(
    () => {
      redis
        .eval(REFRESH_SCRIPT, 1, key, token, String(ttlMs))
        .then((r) => {
          if (r !== 1 && !lost) {
            lost = `Redis lock ${key} expired or was taken by another holder`;
            log.error({ key }, lost);
          }
        })
        .catch((err: unknown) => log.warn({ err, key }, 'could not refresh the Redis publish lock'));
    },
    Math.max(50, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    assertHeld() {
      if (lost) throw new LockLostError(lost);
    },
    async release() {
      clearInterval(timer);
      try {
        await redis.eval(RELEASE_SCRIPT, 1, key, token);
      } catch (err) {
        log.warn({ err, key }, 'could not release the Redis publish lock; it will expire');
      }
    },
  };
}

async function acquireFile(dir: string, staleMs: number, waitMs: number, log: Logger): Promise<HeldLock> {
  let lost: string | null = null;
  const maxTimeout = 250;
  const target = path.join(dir, 'publish');
  const lockfilePath = path.join(dir, 'publish.lock');
  let release: () => Promise<void>;
  // Only "held by another publisher" is waited out. proper-lockfile's own retries would also retry
  // a read-only or full disk (EROFS, ENOSPC, EACCES) for the whole wait: those fail at once.
  const deadline = Date.now() + waitMs;
  for (let delay = 25; ; delay = Math.min(maxTimeout, Math.ceil(delay * 1.5))) {
    try {
      release = await lockfile.lock(target, {
        realpath: false,
        lockfilePath,
        stale: staleMs,
        retries: 0,
        onCompromised: (err) => {
          lost = `publish lock file ${lockfilePath} was compromised: ${err.message}`;
          log.error({ err }, lost);
        },
      });
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ELOCKED') {
        throw new Error(`cannot take the publish lock in ${dir}: ${(err as Error).message}`, { cause: err });
      }
      if (Date.now() >= deadline) {
        throw new LockTimeoutError(
          `another publisher holds ${lockfilePath}; waited about ${Math.round(waitMs / 1000)} s`,
        );
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  return {
    assertHeld() {
      if (lost) throw new LockLostError(lost);
    },
    async release() {
      if (lost) return;
      try {
        await release();
      } catch (err) {
        log.warn({ err }, 'could not release the publish lock file');
      }
    },
  };
}

/** Take the publish lock (Redis first when configured, then the file). */
export async function acquirePublishLock(opts: LockOptions): Promise<HeldLock> {
  const waitMs = opts.waitMs ?? 120_000;
  const held: HeldLock[] = [];
  try {
    if (opts.redis) {
      held.push(
        await acquireRedis(
          opts.redis,
          opts.redisKey ?? 'careerdata:lock:publish',
          opts.redisTtlMs ?? 30_000,
          waitMs,
          opts.log,
        ),
      );
    }
    held.push(await acquireFile(opts.dir, opts.staleMs ?? 10_000, waitMs, opts.log));
  } catch (err) {
    for (const h of held.reverse()) await h.release();
    throw err;
  }
  return {
    assertHeld() {
      for (const h of held) h.assertHeld();
    },
    async release() {
      for (const h of [...held].reverse()) await h.release();
    },
  };
}
