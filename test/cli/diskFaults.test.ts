/**
 * Local disk faults are reported truthfully: a refresh that published still says `published` when
 * its run record cannot be written (full RUNS_DIR), and a read-only SNAPSHOT_DIR fails at once with
 * a message naming the path (it used to be retried for the publish lock's whole 120 s wait).
 * As root a tiny tmpfs is mounted (full, or read-only); otherwise the directory is made read-only
 * with chmod; where neither works the tests skip.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../queue/support/cli.js';

const isRoot = process.getuid?.() === 0;

/** A directory where writes fail: `full` (ENOSPC) or `readonly` (EROFS/EACCES); undefined when impossible here. */
async function unwritableDir(dir: string, kind: 'full' | 'readonly'): Promise<string | undefined> {
  await mkdir(dir, { recursive: true });
  if (!isRoot) {
    await chmod(dir, 0o555);
    return dir;
  }
  try {
    execFileSync(
      'mount',
      ['-t', 'tmpfs', '-o', `size=64k${kind === 'readonly' ? ',ro' : ''}`, 'tmpfs', dir],
      {
        stdio: 'ignore',
      },
    );
  } catch {
    return undefined;
  }
  mounted.push(dir);
  if (kind === 'full') {
    await writeFile(path.join(dir, 'filler'), Buffer.alloc(1 << 20)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOSPC') throw e;
    });
  }
  return dir;
}

const mounted: string[] = [];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-disk-'));
});
afterAll(async () => {
  for (const m of mounted) execFileSync('umount', [m]);
  await rm(dir, { recursive: true, force: true });
});

describe('local disk faults', { timeout: 60_000 }, () => {
  it('a full RUNS_DIR: the refresh that published still reports published, naming the path', async (t) => {
    const runsDir = await unwritableDir(path.join(dir, 'runs-full'), 'full');
    if (!runsDir) return t.skip();
    const snapshots = path.join(dir, 'snapshots-a');
    const r = await runCli(['refresh', '--offline', '--json'], {
      SNAPSHOT_DIR: snapshots,
      CACHE_DIR: path.join(dir, 'cache-a'),
      RUNS_DIR: runsDir,
    }).done;
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(summary).toMatchObject({
      status: 'published',
      runRecordError: expect.stringContaining(`could not write the run record in RUNS_DIR ${runsDir}`),
    });
    expect((await readFile(path.join(snapshots, 'latest'), 'utf8')).trim()).toBe(summary.snapshotId);
    expect(r.stderr).toContain(`RUNS_DIR ${runsDir}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a read-only SNAPSHOT_DIR fails at once, naming the directory, and publishes nothing', async (t) => {
    const snapshots = await unwritableDir(path.join(dir, 'snapshots-ro'), 'readonly');
    if (!snapshots) return t.skip();
    // The lock used to retry for 120 s (beyond this test's timeout); a run takes a few seconds here.
    const r = await runCli(['refresh', '--offline', '--json'], {
      SNAPSHOT_DIR: snapshots,
      CACHE_DIR: path.join(dir, 'cache-b'),
      RUNS_DIR: path.join(dir, 'runs-b'),
    }).done;
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(summary.status).toBe('failed');
    expect(summary.error).toContain(`cannot take the publish lock in ${snapshots}`);
    expect(summary.error).toMatch(/EROFS|EACCES/);
  });
});
