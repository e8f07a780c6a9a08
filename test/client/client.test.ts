/**
 * The typed client against `careerdata serve` (a child process, as a consumer meets it) over the
 * offline snapshot: a record by SOC (revalidated with its ETag: the second read is a 304), the
 * whole snapshot streamed, the manifest, and a diff in both forms.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CareerdataApiError, type CareerdataClient, createClient } from '../../src/client/index.js';
import { DEFAULT_GATE_CONFIG } from '../../src/gates/report.js';
import type { OccupationRecord } from '../../src/model/occupation.js';
import { publishSnapshot } from '../../src/pipeline/publish/publishSnapshot.js';
import { SnapshotStore } from '../../src/store/snapshotStore.js';
import { candidate } from '../store/support.js';
import { type OfflineHarness, offlineHarness } from '../support/offlineRun.js';

const REPO = path.resolve(import.meta.dirname, '../..');

async function serve(snapshotDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: REPO,
    env: {
      ...process.env,
      SNAPSHOT_DIR: snapshotDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`careerdata serve exited with ${code}: ${err}`)));
  });
  return { url, child };
}

describe('typed client over `careerdata serve`', () => {
  let h: OfflineHarness;
  let server: { url: string; child: ChildProcess };
  let records: OccupationRecord[];
  let first: string;
  let second: string;
  const statuses: number[] = [];
  let client: CareerdataClient;

  beforeAll(async () => {
    h = await offlineHarness();
    const summary = await h.refresh();
    if (summary.status !== 'published') throw new Error(`offline refresh: ${summary.status}`);
    first = summary.snapshotId!;
    const snapshotDir = path.join(h.dir, 'snapshots');
    const text = await readFile(path.join(snapshotDir, first, 'occupations.ndjson'), 'utf8');
    records = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as OccupationRecord);
    // A second snapshot with one changed wage, so there is a diff to read.
    const changed = structuredClone(records);
    changed.find((r) => r.soc === '29-2072')!.wages!.national!.annual.median = 51_000;
    const store = new SnapshotStore({ dir: snapshotDir });
    const next = await publishSnapshot(store, candidate(changed), {
      gates: DEFAULT_GATE_CONFIG,
      force: true,
    });
    if (next.status !== 'published') throw new Error(`second publish: ${next.status}`);
    second = next.snapshotId;
    server = await serve(snapshotDir);
    client = createClient({
      baseUrl: server.url,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        statuses.push(res.status);
        return res;
      },
    });
  }, 120_000);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await h?.close();
  });

  it('reads a record by SOC, and revalidates it with its ETag', async () => {
    const mrs = await client.getOccupation('29-2072');
    expect(mrs?.title).toMatch(/Medical Records/);
    expect(mrs?.wages?.national?.annual.median).toBe(51_000);
    const again = await client.getOccupation('29-2072');
    expect(again).toEqual(mrs);
    expect(statuses.slice(-2)).toEqual([200, 304]);
    const old = await client.getOccupation('29-2072', first);
    expect(old).toEqual(records.find((r) => r.soc === '29-2072'));
    expect(await client.getOccupation('99-9999')).toBeNull();
  });

  it('streams every record of a snapshot in SOC order', async () => {
    const streamed: OccupationRecord[] = [];
    for await (const r of client.streamOccupations(first)) streamed.push(r);
    expect(streamed).toEqual(records);
  });

  it('reads the manifest and the diff, as JSON and as a JSON Patch', async () => {
    const manifest = await client.getManifest();
    expect(manifest.id).toBe(second);
    expect(manifest.parent).toBe(first);
    const diff = await client.getDiff(first, second);
    expect(diff.summary).toMatchObject({ changed: 1, added: 0, removed: 0 });
    expect(diff.changed[0]!.patch).toEqual([
      { op: 'replace', path: '/wages/national/annual/median', value: 51_000 },
    ]);
    const patch = await client.getDiffPatch(first, second);
    expect(patch).toEqual([{ op: 'replace', path: '/29-2072/wages/national/annual/median', value: 51_000 }]);
  });

  it('turns a problem document into a typed error', async () => {
    const err = await client.getManifest('20000101T000000Z-00000000').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CareerdataApiError);
    expect((err as CareerdataApiError).status).toBe(404);
    expect((err as CareerdataApiError).problem?.type).toMatch(/^urn:careerdata:problem:/);
    expect(() => client.getOccupation('292072')).toThrow(/not a SOC code/);
  });
});

describe('package exports', () => {
  it('point at what `npm run build` emits for src/client (types and code)', async () => {
    const pkg = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8'));
    for (const entry of ['.', './client']) {
      expect(pkg.exports[entry]).toEqual({
        types: './dist/src/client/index.d.ts',
        default: './dist/src/client/index.js',
      });
    }
    const build = JSON.parse(await readFile(path.join(REPO, 'tsconfig.build.json'), 'utf8'));
    expect(build.compilerOptions.declaration).toBe(true);
    // After a build (npm ci runs it), the files are there.
    if (existsSync(path.join(REPO, 'dist/src/cli/main.js'))) {
      expect(existsSync(path.join(REPO, 'dist/src/client/index.d.ts'))).toBe(true);
    }
  });
});
