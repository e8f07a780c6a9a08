/**
 * The deployment files: `.env.example` lists every setting the configuration reads, and
 * docker-compose.yml validates with Debian's docker-compose (no engine needed), passing every
 * `.env` setting to the containers and giving the worker a healthcheck. The compose part skips
 * when docker-compose is not installed (`.ci/run` installs it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../src/config.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const hasCompose = spawnSync('sh', ['-c', 'command -v docker-compose']).status === 0;

describe('.env.example', () => {
  it('lists every setting the configuration reads', async () => {
    const text = await readFile(path.join(ROOT, '.env.example'), 'utf8');
    const listed = new Set([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    expect(SETTING_NAMES.filter((name) => !listed.has(name))).toEqual([]);
  });
});

describe.skipIf(!hasCompose)('docker-compose.yml', () => {
  it('validates with the example settings; every .env setting reaches the worker, which has a healthcheck', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-compose-'));
    try {
      await copyFile(path.join(ROOT, 'docker-compose.yml'), path.join(dir, 'docker-compose.yml'));
      const example = await readFile(path.join(ROOT, '.env.example'), 'utf8');
      const filled = example
        .replace(/^BLS_CONTACT_EMAIL=$/m, 'BLS_CONTACT_EMAIL=ops@example.org')
        .replace(/^ADMIN_TOKEN=$/m, 'ADMIN_TOKEN=an-admin-token-of-32-characters!');
      await writeFile(path.join(dir, '.env'), `${filled}\nCAREERONESTOP_RPS=5\nREFRESH_TZ=Europe/Berlin\n`);
      const run = (...args: string[]) =>
        execFileSync('docker-compose', args, { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
      run('config', '-q');
      const resolved = run('config');
      const worker = resolved.slice(resolved.indexOf('\n  worker:'));
      expect(worker).toMatch(/CAREERONESTOP_RPS: '5'/);
      expect(worker).toMatch(/REFRESH_TZ: Europe\/Berlin/);
      expect(worker).toMatch(/SNAPSHOT_DIR: \/var\/lib\/careerdata\/snapshots/);
      expect(worker).toMatch(/healthcheck:\s+interval: 30s[\s\S]*test:[\s\S]*healthcheck/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
