/** Every command validates every setting at start-up: exit 2, naming each bad variable, echoing no secret. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../queue/support/cli.js';

const COMMANDS = [
  ['refresh'],
  ['rescore'],
  ['worker'],
  ['trigger'],
  ['runs'],
  ['schedule', 'show'],
  ['snapshots', 'list'],
  ['serve'],
];

describe('invalid settings stop every command at start-up', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-config-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(COMMANDS)(
    'careerdata %s exits 2 naming REFRESH_TZ, REFRESH_CRON, the unitless duration and the short token',
    async (...args) => {
      const { done } = runCli(args, {
        SNAPSHOT_DIR: path.join(dir, 'snapshots'),
        RUNS_DIR: path.join(dir, 'runs'),
        CACHE_DIR: path.join(dir, 'cache'),
        REFRESH_TZ: 'Mars/Phobos',
        REFRESH_CRON: '61 * * * *',
        HTTP_CONNECT_TIMEOUT: '10',
        ADMIN_TOKEN: 'short-secret1',
        REDIS_URL: 'redis://:redis-pass-9@127.0.0.1:1',
        EP_URL: 'ftp://bob:hunter2@mirror.example.org/occupation.xlsx',
      });
      const r = await done;
      expect(r.code).toBe(2);
      for (const name of ['REFRESH_TZ', 'REFRESH_CRON', 'HTTP_CONNECT_TIMEOUT', 'EP_URL'])
        expect(r.stderr).toContain(`${name}:`);
      expect(r.stderr).toContain('ADMIN_TOKEN: expected at least 16 characters (got 13)');
      expect(r.stderr).toContain('ftp://bob:***@mirror.example.org');
      for (const secret of ['short-secret1', 'hunter2', 'redis-pass-9'])
        expect(r.stderr + r.stdout).not.toContain(secret);
      expect(r.stderr).not.toMatch(/\n\s+at /); // one message, no stack trace
    },
  );
});
