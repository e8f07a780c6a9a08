/** Small synthetic occupation records and candidates for store, gate, API and notifier tests. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { DEFAULT_GATE_CONFIG } from '../../src/gates/report.js';
import type { OccupationRecord } from '../../src/model/occupation.js';
import { publishSnapshot } from '../../src/pipeline/publish/publishSnapshot.js';
import type { ArtifactRecord } from '../../src/sources/artifact.js';
import { isSnapshotId } from '../../src/store/ids.js';
import type { CandidateSnapshot } from '../../src/store/publishTransaction.js';
import { SnapshotStore } from '../../src/store/snapshotStore.js';

export interface OccupationOptions {
  title?: string;
  median?: number | null;
  score?: number | null;
  fetchedAt?: string;
}

/** A valid record with national wages, projections and a resilience score. */
export function occupation(soc: string, o: OccupationOptions = {}): OccupationRecord {
  const median = o.median === undefined ? 50_000 + (Number(soc.replace('-', '')) % 40_000) : o.median;
  const wage = (v: number | null) => (v === null ? null : Math.round(v));
  const score = o.score === undefined ? 3 : o.score;
  return {
    soc,
    title: o.title ?? `Occupation ${soc}`,
    titleSource: 'oews',
    category: 'healthcare-technical',
    wages: {
      release: 'May 2024',
      topCode: { annual: 239_200, hourly: 115 },
      national: {
        employment: 10_000,
        annual: {
          p10: median === null ? null : wage(median * 0.7),
          p25: median === null ? null : wage(median * 0.85),
          median,
          p75: median === null ? null : wage(median * 1.2),
          p90: median === null ? null : wage(median * 1.5),
          mean: median === null ? null : wage(median * 1.05),
        },
        hourly: {
          p10: null,
          p25: null,
          median: median === null ? null : Math.round((median / 2080) * 100) / 100,
          p75: null,
          p90: null,
          mean: null,
        },
        topCoded: [],
        notAvailable: median === null ? ['annual.median'] : [],
      },
    },
    projections: null,
    careerProgression: null,
    resilience:
      score === null
        ? null
        : {
            methodology: '2.0',
            score,
            maxScore: 6,
            classification: 'AI-Augmented',
            tier: 2,
            rationale: 'Score 3/6: balanced factors means AI will assist but humans remain essential',
            exposure: null,
            growth: null,
            humanAdvantage: null,
          },
    alsoKnownAs: null,
    relatedOccupations: null,
    brightOutlook: null,
    educationProfile: null,
    training: null,
    sourceStatus: { oews: { status: 'fresh', fetchedAt: o.fetchedAt ?? '2026-11-27T03:00:00.000Z' } },
    missing: {},
  };
}

/** `n` records with SOC codes 11-1000, 11-1001, … */
export function occupations(n: number, o: OccupationOptions = {}): OccupationRecord[] {
  return Array.from({ length: n }, (_, i) => occupation(`11-${String(1000 + i).padStart(4, '0')}`, o));
}

export function artifact(
  source: string,
  release: string,
  fetchedAt = '2026-11-27T03:00:00.000Z',
): ArtifactRecord {
  return {
    source,
    name: `${source}.xlsx`,
    url: `https://example.test/${source}.xlsx`,
    sha256: 'a'.repeat(64),
    bytes: 1234,
    downloadedBytes: 1234,
    contentType: 'application/octet-stream',
    etag: '"abc"',
    lastModified: null,
    fetchedAt,
    release,
  };
}

export function candidate(
  records: OccupationRecord[],
  over: Partial<CandidateSnapshot> = {},
): CandidateSnapshot {
  return {
    records,
    sources: { oews: [artifact('oews', 'May 2024')] },
    quality: {
      sources: { oews: { read: records.length, kept: records.length, rejected: 0, byReason: {} } },
      rejects: [],
      warnings: [],
    },
    methodology: '2.0',
    run: { id: 'run-test', trigger: 'test' },
    ...over,
  };
}

/** A fresh temp directory; call the returned cleanup in afterEach. */
export async function tempDir(
  prefix = 'careerdata-store-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** A clock that advances one minute per call, so ids are distinct and ordered. */
export function steppingClock(start = Date.UTC(2026, 10, 27, 3, 0, 0)): () => Date {
  let t = start;
  return () => {
    const d = new Date(t);
    t += 60_000;
    return d;
  };
}

/**
 * A fresh SnapshotStore in its own temp directory for every test of the calling describe block
 * (handed to `use` before each test), with the two things store tests keep asking: the snapshot
 * directories on disk, and a publish through the default gates that must succeed.
 */
export function storePerTest(use: (s: { dir: string; store: SnapshotStore }) => void) {
  let dir = '';
  let store: SnapshotStore | undefined;
  let cleanup: () => Promise<void> = async () => {};
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    store = new SnapshotStore({ dir, now: steppingClock(), lockStaleMs: 2000 });
    use({ dir, store });
  });
  afterEach(() => cleanup());
  return {
    async snapshotDirs(): Promise<string[]> {
      return (await fs.readdir(dir)).filter(isSnapshotId).sort();
    },
    async publishOk(records = occupations(40), over: Partial<CandidateSnapshot> = {}) {
      const r = await publishSnapshot(store!, candidate(records, over), { gates: DEFAULT_GATE_CONFIG });
      if (r.status !== 'published') throw new Error(`expected published, got ${r.status}`);
      return r;
    },
  };
}
