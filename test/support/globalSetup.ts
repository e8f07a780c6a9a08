/**
 * Makes a real Redis available to the suite: the one at REDIS_URL / 127.0.0.1:6379 when reachable,
 * else a throw-away `redis-server` on a free port, else a clear failure saying how to install one.
 * Tests read the URL with `inject('redisUrl')` and use their own key prefix / queue names.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { type OwnRedis, pingRedis, redisServerOnPath, startRedisServer } from './redisServer.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let own: OwnRedis | undefined;

export async function setup(project: TestProject): Promise<void> {
  const shared = path.resolve(import.meta.dirname, '../../..', 'shared/data');
  if (!existsSync(shared)) {
    console.warn(
      `careerdata tests: ${shared} not found; the tests that read the real upstream files will be skipped.`,
    );
  }
  const configured = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const u = new URL(configured);
  if (await pingRedis(u.hostname, Number(u.port || 6379))) {
    project.provide('redisUrl', configured);
    return;
  }
  if (!redisServerOnPath()) {
    throw new Error(
      `No Redis reachable at ${configured} and no redis-server binary found. Install one ` +
        '(Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`) or set TEST_REDIS_URL.',
    );
  }
  own = await startRedisServer();
  project.provide('redisUrl', own.url);
}

export async function teardown(): Promise<void> {
  await own?.stop();
}
