/**
 * The I/O a refresh needs, built once from config and handed to the pure stages' callers.
 * Tests build their own (pointing at fixture servers and temp dirs).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config.js';
import { secretValues } from '../config.js';
import { HttpClient, type HttpClientOptions } from '../http/httpClient.js';
import { RawCache } from '../http/rawCache.js';
import type { Logger } from '../log.js';
import { blsHint, checkSourceRegistry } from '../sources/registry.js';
import { SnapshotStore } from '../store/snapshotStore.js';

export interface RunContext {
  config: Config;
  log: Logger;
  http: HttpClient;
  cache: RawCache;
  store: SnapshotStore;
  now: () => Date;
}

export const USER_AGENT_PRODUCT = 'careerdata/0.1.0';

export function userAgent(config: Pick<Config, 'BLS_CONTACT_EMAIL'>): string {
  return config.BLS_CONTACT_EMAIL ? `${USER_AGENT_PRODUCT} (${config.BLS_CONTACT_EMAIL})` : USER_AGENT_PRODUCT;
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
  extra: Pick<HttpClientOptions, 'onAttempt'> = {},
): RunContext {
  return {
    config,
    log,
    http: createHttpClient(config, log, extra),
    cache: new RawCache(path.resolve(config.CACHE_DIR)),
    store: new SnapshotStore({ dir: path.resolve(config.SNAPSHOT_DIR), log }),
    now: () => new Date(),
  };
}

export async function closeRunContext(ctx: RunContext): Promise<void> {
  await ctx.http.close();
}

/** Run ids sort by time: `run-20261127T030000Z-9f2c1a`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}
