/**
 * One refresh, two drivers: the same fixture inputs through the embedded driver (`careerdata
 * refresh`) and through the queue driver (two worker processes, real Redis) give byte-identical
 * records and manifests that differ only in run ids and timings. This is the guard against the two
 * drivers drifting apart again.
 *
 * Records carry the time their CareerOneStop data was fetched, so a second embedded run reuses the
 * CareerOneStop responses the queued run stored (its file downloads are its own): its records must
 * then be the queued run's to the byte.
 */
import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { embeddedRunIO } from '../../src/pipeline/embeddedRunIO.js';
import { runRefresh } from '../../src/pipeline/refresh.js';
import { closeRunContext, createRunContext, newRunId } from '../../src/pipeline/runContext.js';
import type { RefreshSummary } from '../../src/pipeline/summary.js';
import type { RunRecord } from '../../src/queue/runs/runStore.js';
import { type QueueHarness, queueHarness } from './support/harness.js';

const redisUrl = inject('redisUrl');
let h: QueueHarness;
let queued: RunRecord;
/** Its own caches: every file and every CareerOneStop response fetched as the queued run did. */
let embedded: RefreshSummary;
/** The queued run's stored CareerOneStop responses, its own file downloads. */
let embeddedSameResponses: RefreshSummary;
const queuedSnapshots = () => path.join(h.dir, 'snapshots');
const embeddedSnapshots = (name: string) => path.join(h.dir, name, 'snapshots');

/** The manifest without what names the run or the moment: ids, times and the diff file (it names the ids). */
function comparable(manifest: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, createdAt: _at, run: _run, files, sources, ...rest } = manifest;
  const {
    'diff.json': _diff,
    'occupations.ndjson': _records,
    ...otherFiles
  } = files as Record<string, unknown>;
  return {
    ...rest,
    files: otherFiles,
    sources: Object.fromEntries(
      Object.entries(sources as Record<string, Record<string, unknown>[]>).map(([id, list]) => [
        id,
        list.map(({ fetchedAt: _fetched, ...a }) => a),
      ]),
    ),
  };
}

/** Records with the CareerOneStop fetch times (the only timings they hold) blanked. */
const withoutFetchTimes = (ndjson: string) => ndjson.replace(/"fetchedAt":"[^"]+"/g, '"fetchedAt":"…"');

async function snapshotFile(snapshotDir: string, id: string, name: string): Promise<string> {
  return readFile(path.join(snapshotDir, id, name), 'utf8');
}

async function embeddedRun(name: string): Promise<RefreshSummary> {
  // The same fixture URLs (through the same proxy), its own snapshot, cache and run dirs, and no
  // Redis (as `careerdata refresh` runs by default).
  const { REDIS_URL: _redis, ...env } = h.env({ LOG_LEVEL: 'silent' });
  const config = loadConfig({
    ...env,
    SNAPSHOT_DIR: embeddedSnapshots(name),
    CACHE_DIR: path.join(h.dir, name, 'cache'),
    RUNS_DIR: path.join(h.dir, name, 'runs'),
  });
  const ctx = createRunContext(config, silentLogger, embeddedRunIO(config, silentLogger));
  try {
    return await runRefresh(ctx, { runId: newRunId(), trigger: 'cli' });
  } finally {
    await closeRunContext(ctx);
  }
}

beforeAll(async () => {
  h = await queueHarness(redisUrl);
  await Promise.all([h.spawnWorker(), h.spawnWorker()]);
  const producer = await h.producer();
  const { runId } = await producer.request({ trigger: 'manual' });
  queued = await h.waitForRun(runId, 90_000);
  embedded = await embeddedRun('embedded');
  await cp(path.join(h.dir, 'cache', 'careeronestop'), path.join(h.dir, 'reused', 'cache', 'careeronestop'), {
    recursive: true,
  });
  embeddedSameResponses = await embeddedRun('reused');
}, 150_000);

afterAll(async () => {
  await h?.close();
});

describe('the embedded and the queued driver', () => {
  it('both publish', () => {
    expect(queued.status, queued.outcome?.error).toBe('published');
    expect(embedded.status, embedded.error).toBe('published');
    expect(embeddedSameResponses.status, embeddedSameResponses.error).toBe('published');
  });

  it('write byte-identical occupations.ndjson from the same CareerOneStop responses', async () => {
    const q = await snapshotFile(queuedSnapshots(), queued.outcome!.snapshotId!, 'occupations.ndjson');
    const e = await snapshotFile(
      embeddedSnapshots('reused'),
      embeddedSameResponses.snapshotId!,
      'occupations.ndjson',
    );
    expect(q.split('\n').length).toBeGreaterThan(10);
    expect(e === q, 'occupations.ndjson differs').toBe(true);
    // Fetching every response itself, the embedded run differs only in the fetch times.
    const fresh = await snapshotFile(
      embeddedSnapshots('embedded'),
      embedded.snapshotId!,
      'occupations.ndjson',
    );
    expect(withoutFetchTimes(fresh) === withoutFetchTimes(q), 'records differ beyond fetch times').toBe(true);
  });

  it('write manifests equal but for run ids and times: releases, provenance, quality, methodology', async () => {
    const q = JSON.parse(
      await snapshotFile(queuedSnapshots(), queued.outcome!.snapshotId!, 'manifest.json'),
    ) as Record<string, unknown>;
    const e = JSON.parse(
      await snapshotFile(embeddedSnapshots('embedded'), embedded.snapshotId!, 'manifest.json'),
    ) as Record<string, unknown>;
    // The per-source releases the readers found, named by both.
    expect(e.releases).toMatchObject({ oews: ['May 2024'], ep: ['2024-34'] });
    expect(q.releases).toEqual(e.releases);
    expect(comparable(q)).toEqual(comparable(e));
    const same = JSON.parse(
      await snapshotFile(embeddedSnapshots('reused'), embeddedSameResponses.snapshotId!, 'manifest.json'),
    ) as Record<string, unknown>;
    expect(same.contentSha256).toBe(q.contentSha256);
  });

  it('report the same figures and quality in their run records', () => {
    const figures = (o: { occupations: number; rejectedRows: number; downloadedBytes: number }) => ({
      occupations: o.occupations,
      rejectedRows: o.rejectedRows,
      downloadedBytes: o.downloadedBytes,
    });
    expect(figures(queued.outcome!)).toEqual(figures(embedded));
    expect(queued.outcome!.quality).toEqual(embedded.quality);
  });
});
