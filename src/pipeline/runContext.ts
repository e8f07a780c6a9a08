/**
 * The I/O a refresh needs, built once and handed to the pure stages' callers. The driver that runs
 * the refresh owns the snapshot store, the notifier and the Redis connection and passes them in: the
 * embedded run builds them from config (embeddedRunIO.ts), a worker once per process with its own
 * Redis connection. Tests build their own (pointing at fixture servers and temp dirs).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { PACKAGE_ROOT, secretValues } from '../config.js';
import { HttpClient, type HttpClientOptions } from '../http/httpClient.js';
import { RawCache } from '../http/rawCache.js';
import type { Logger } from '../log.js';
import type { Notifier } from '../notify/notifier.js';
import { blsHint, checkSourceRegistry } from '../sources/registry.js';
import type { SnapshotStore } from '../store/snapshotStore.js';

export interface RunContext {
  config: Config;
  log: Logger;
  http: HttpClient;
  cache: RawCache;
  store: SnapshotStore;
  /** Change events (Redis stream when REDIS_URL is set, webhooks when WEBHOOK_URLS is set). */
  notifier: Notifier;
  /**
   * The connection the store and notifier use, when there is one (a worker always; an embedded run
   * only when REDIS_URL was set explicitly): cross-machine publish lock, events stream, run history.
   */
  redis?: Redis;
  now: () => Date;
}

/** What the driver hands createRunContext: the store, notifier and Redis connection the run uses. */
export type RunIO = Pick<RunContext, 'store' | 'notifier' | 'redis'>;

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

export function createRunContext(
  config: Config,
  log: Logger,
  io: RunIO,
  extra: Pick<HttpClientOptions, 'onAttempt'> = {},
): RunContext {
  checkSourceRegistry();
  return {
    config,
    log,
    http: createHttpClient(config, log, extra),
    cache: new RawCache(path.resolve(config.CACHE_DIR), { secrets: secretValues(config) }),
    store: io.store,
    notifier: io.notifier,
    ...(io.redis ? { redis: io.redis } : {}),
    now: () => new Date(),
  };
}

/**
 * Waits (boundedly) for event deliveries still in flight, then closes the HTTP client and the Redis
 * connection. `keepRedis`: the caller closes that connection itself (a worker, which shares it with
 * BullMQ). `abortRequests`: do not wait for HTTP requests in flight (a shutting-down worker whose job
 * was handed back), abort them.
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
