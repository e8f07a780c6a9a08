import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
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

describe('careerdata refresh (command line)', { timeout: 180_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-cli-'));
    env = {
      SNAPSHOT_DIR: path.join(dir, 'snapshots'),
      CACHE_DIR: path.join(dir, 'cache'),
      RUNS_DIR: path.join(dir, 'runs'),
    };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--offline --json publishes, and stdout is exactly one JSON object (human text on stderr)', async () => {
    const r = await careerdata(['refresh', '--offline', '--json'], { ...env, LOG_LEVEL: 'debug' });
    expect(r.stderr).not.toMatch(/offline-token|offline-user/);
    expect(r.code).toBe(0);
    // The whole of stdout through a JSON parser, as `| jq` would see it.
    const last = JSON.parse(r.stdout);
    expect(last).toMatchObject({ status: 'published', rejectedRows: 0 });
    expect(last.occupations).toBeGreaterThan(15);
    expect(last.snapshotId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    expect((await readFile(path.join(dir, 'snapshots', 'latest'), 'utf8')).trim()).toBe(last.snapshotId);
    expect(r.stderr).toContain(path.join(dir, 'snapshots', last.snapshotId));
    // Every log line of the run carries the run's id (not a placeholder).
    const logs = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { runId?: string; msg: string });
    const careerOneStopLine = logs.find((l) => l.msg.startsWith('CareerOneStop:'));
    expect(careerOneStopLine?.runId).toBe(last.runId);
    expect(logs.filter((l) => l.msg === 'artifact fetched').every((l) => l.runId === last.runId)).toBe(true);

    // CareerOneStop credentials never reach anything the run wrote: snapshots, cache, run records, logs.
    const secrets = ['offline-user-7f3a', 'offline-token-91c2'];
    for (const name of await readdir(dir, { recursive: true })) {
      const file = path.join(dir, name);
      if (!(await stat(file)).isFile()) continue;
      const text = await readFile(file, 'latin1');
      for (const s of secrets) expect(text.includes(s), `${s} found in ${name}`).toBe(false);
    }
    for (const s of secrets) expect(r.stdout + r.stderr).not.toContain(s);
    const record = (
      await readFile(path.join(dir, 'snapshots', last.snapshotId, 'occupations.ndjson'), 'utf8')
    )
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((x) => x.soc === '29-2072');
    expect(record.training.certifications.items.map((c: { acronym: string }) => c.acronym).sort()).toEqual([
      'CCS',
      'CPC',
      'RHIA',
      'RHIT',
    ]);
    expect(record.alsoKnownAs).toContain('Coder');
    expect(record.sourceStatus.careeronestop.status).toBe('fresh');

    const again = await careerdata(['refresh', '--offline', '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      status: 'unchanged',
      snapshotId: last.snapshotId,
    });
  });

  it('records embedded runs in RUNS_DIR, where `runs` and `runs show` read them', async () => {
    const [list, latest] = await Promise.all([
      careerdata(['runs', '--json'], env),
      readFile(path.join(dir, 'snapshots', 'latest'), 'utf8'),
    ]);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { runId: string; status: string; snapshotId: string }[];
    expect(rows.map((r) => r.status)).toEqual(['unchanged', 'published']);
    expect(rows[1]!.snapshotId).toBe(latest.trim());
    const show = await careerdata(['runs', 'show', rows[1]!.runId], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/status\s+published/);
    for (const stage of ['fetch', 'read', 'checks', 'careeronestop', 'build', 'publish'])
      expect(show.stdout).toMatch(new RegExp(`\\n  ${stage}\\s+done`));
  });

  it('exits non-zero with every configuration problem on stderr', async () => {
    const r = await careerdata(['refresh', '--json'], { ...env, OEWS_FORMAT: 'pdf', EP_URL: 'nope' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('OEWS_FORMAT');
    expect(r.stderr).toContain('EP_URL');
  });

  it('--help lists every command with a description', async () => {
    const r = await careerdata(['--help'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/refresh\s+.*refresh/);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await careerdata(['--version'], env);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("every command's --help lists the settings it reads, one example and the exit codes", async () => {
    for (const args of [
      ['refresh'],
      ['rescore'],
      ['worker'],
      ['trigger'],
      ['runs'],
      ['serve'],
      ['snapshots', 'list'],
    ]) {
      const r = await careerdata([...args, '--help'], env);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(/Settings read \(environment or \.\/\.env\): [A-Z_]+/);
      expect(r.stdout, args.join(' ')).toMatch(/Example:\n {2}\$ careerdata /);
      expect(r.stdout, args.join(' ')).toContain(
        'Exit codes: 0 success or unchanged, 1 failed or blocked, 2 usage',
      );
    }
  });

  it('an invalid option value or an unknown command is a usage error (exit 2)', async () => {
    const bad = await careerdata(['snapshots', 'list', '--limit', 'abc'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a positive whole number, got "abc"');
    expect((await careerdata(['no-such-command'], env)).code).toBe(2);
    expect((await careerdata(['refresh', '--no-such-option'], env)).code).toBe(2);
  });
});
