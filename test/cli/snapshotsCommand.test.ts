import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

async function careerdata(args: string[], env: Record<string, string>) {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...env },
      timeout: 170_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('careerdata snapshots (command line)', { timeout: 300_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  let first: string;
  let second: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-snapcli-'));
    env = {
      SNAPSHOT_DIR: path.join(dir, 'snapshots'),
      CACHE_DIR: path.join(dir, 'cache'),
      RUNS_DIR: path.join(dir, 'runs'),
    };
    const a = await careerdata(['refresh', '--offline', '--json'], env);
    first = JSON.parse(a.stdout.trim().split('\n').pop()!).snapshotId;
    // Without CareerOneStop the content differs: a second snapshot (forced: the coverage gate
    // blocks losing CareerOneStop's parts).
    const b = await careerdata(
      ['refresh', '--offline', '--json', '--force', '--sources', 'oews,ep,exposure,epoch,onet'],
      env,
    );
    second = JSON.parse(b.stdout.trim().split('\n').pop()!).snapshotId;
  }, 300_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists, shows, verifies and diffs snapshots', async () => {
    expect(second).not.toBe(first);
    const list = await careerdata(['snapshots', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const items = JSON.parse(list.stdout) as Array<{ id: string; latest: boolean }>;
    expect(items.map((s) => s.id)).toEqual([second, first]);
    expect(items[0]!.latest).toBe(true);

    const show = await careerdata(['snapshots', 'show', 'latest', '--occupation', '29-2072'], env);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ soc: '29-2072', title: 'Medical Records Specialists' });

    const verify = await careerdata(['snapshots', 'verify', first], env);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^ok: /);

    const diff = await careerdata(['snapshots', 'diff', first, second, '--json'], env);
    expect(diff.code).toBe(0);
    const d = JSON.parse(diff.stdout);
    expect(d.summary.changed).toBeGreaterThan(0);
    expect(
      d.changed
        .find((c: { soc: string }) => c.soc === '29-2072')
        .changes.map((c: { path: string }) => c.path),
    ).toContain('alsoKnownAs');
  });

  it('rolls back with a reason kept in the history, pins, and prunes without touching latest or pins', async () => {
    const rb = await careerdata(
      ['snapshots', 'rollback', first, '--reason', 'bad CareerOneStop data', '--who', 'ops'],
      env,
    );
    expect(rb.code).toBe(0);
    expect((await readFile(path.join(dir, 'snapshots', 'latest'), 'utf8')).trim()).toBe(first);
    const history = await readFile(path.join(dir, 'snapshots', 'history.ndjson'), 'utf8');
    expect(history).toContain('bad CareerOneStop data');
    expect(history).toContain('"who":"ops"');

    expect((await careerdata(['snapshots', 'pin', second], env)).code).toBe(0);
    const prune = await careerdata(['snapshots', 'prune', '--keep', '1'], env);
    expect(prune.code).toBe(0);
    const left = JSON.parse((await careerdata(['snapshots', 'list', '--json'], env)).stdout) as Array<{
      id: string;
    }>;
    expect(left.map((s) => s.id).sort()).toEqual([first, second].sort());

    const missing = await careerdata(['snapshots', 'show', '20200101T000000Z-00000000'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/20200101T000000Z-00000000/);
  });
});
