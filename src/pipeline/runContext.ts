/**
 * The I/O a refresh needs, built once from config and handed to the pure stages' callers.
 * Tests build their own (pointing at fixture servers and temp dirs).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { PACKAGE_ROOT, secretValues } from '../config.js';
import { HttpClient, type HttpClientOptions } from '../http/httpClient.js';
import { RawCache } from '../http/rawCache.js';
import type { Logger } from '../log.js';
import { type Notifier, notifierFromConfig } from '../notify/notifier.js';
import { blsHint, checkSourceRegistry } from '../sources/registry.js';
import { SnapshotStore } from '../store/snapshotStore.js';

export interface RunContext {
  config: Config;
  log: Logger;
  http: HttpClient;
  cache: RawCache;
  store: SnapshotStore;
  /** Change events (Redis stream when REDIS_URL is set, webhooks when WEBHOOK_URLS is set). */
  notifier: Notifier;
  /** Only when REDIS_URL was set explicitly: cross-machine publish lock and the events stream. */
  redis?: Redis;
  now: () => Date;
}

/** From package.json: also the code version the no-op shortcut compares (bump it when output changes). */
export const PACKAGE_VERSION: string = JSON.parse(
  readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8'),
).version;
export const USER_AGENT_PRODUCT = `careerdata/${PACKAGE_VERSION}`;

export function userAgent(config: Pick<Config, 'BLS_CONTACT_EMAIL'>): string {
  return config.BLS_CONTACT_EMAIL
    ? `${USER_AGENT_PRODUCT} (${config.BLS_CONTACT_EMAIL})`
    : USER_AGENT_PRODUCT;
}

export function createHttpClient(
  config: Config,
  log: Logger,
  extra: Pick<HttpClientOptions, 'onAttempt'> = {},
): HttpClient {
  return new HttpClient({
    ...extra,
    userAgent: userAgent(config),
    connectTimeoutMs: config.HTTP_CONNECT_TIMEOUT,
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT,
    bodyTimeoutMs: config.HTTP_BODY_TIMEOUT,
    maxAttempts: config.HTTP_MAX_ATTEMPTS,
    retryBaseDelayMs: config.HTTP_RETRY_BASE_DELAY,
    retryMaxDelayMs: config.HTTP_RETRY_MAX_DELAY,
    maxBodyBytes: config.HTTP_MAX_BODY_BYTES,
    secrets: secretValues(config),
    log,
    hints: blsHint,
  });
}

/**
 * A short-lived client for commands: fail fast (no offline queue, few retries) rather than hang
 * a CLI run when Redis is down; the events it would carry are best-effort by design.
 */
export function createCommandRedis(url: string): Redis {
  // ioredis takes ~0.1 s and ~20 MB to load: only when Redis is configured (not for an embedded run).
  const { Redis: Client } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
  return new Client(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5_000 });
}

export function createRunContext(
  config: Config,
  log: Logger,
  extra: Pick<HttpClientOptions, 'onAttempt'> & { redis?: Redis } = {},
): RunContext {
  checkSourceRegistry();
  const { redis: given, ...httpExtra } = extra;
  const redis =
    given ?? (config.redisConfigured && config.REDIS_URL ? createCommandRedis(config.REDIS_URL) : undefined);
  if (!given) redis?.on('error', (err) => log.warn({ err: err.message }, 'redis unavailable'));
  return {
    config,
    log,
    http: createHttpClient(config, log, httpExtra),
    cache: new RawCache(path.resolve(config.CACHE_DIR), { secrets: secretValues(config) }),
    store: new SnapshotStore({ dir: path.resolve(config.SNAPSHOT_DIR), log, ...(redis ? { redis } : {}) }),
    notifier: notifierFromConfig(config, {
      log,
      redis,
      deliveriesLog: path.join(path.resolve(config.RUNS_DIR), 'deliveries.ndjson'),
    }),
    ...(redis ? { redis } : {}),
    now: () => new Date(),
  };
}

/**
 * Waits (boundedly) for event deliveries still in flight, then closes connections it opened.
 * `abortRequests`: do not wait for HTTP requests in flight (a shutting-down worker whose job was
 * handed back), abort them.
 */
export async function closeRunContext(
  ctx: RunContext,
  opts: { keepRedis?: boolean; abortRequests?: boolean } = {},
): Promise<void> {
  await ctx.notifier.close();
  await (opts.abortRequests ? ctx.http.destroy() : ctx.http.close());
  if (ctx.redis && !opts.keepRedis) ctx.redis.disconnect();
}

/** Run ids sort by time: `run-20261127T030000Z-9f2c1a`. */
export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}
