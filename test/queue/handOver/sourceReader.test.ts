import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import type { RunContext } from '../../../src/pipeline/runContext.js';
import { SourceReader } from '../../../src/queue/handOver/sourceReader.js';
import { OewsEstimateTable } from '../../../src/readers/oewsEstimateTable.js';
import { RejectCollector } from '../../../src/validate/rejects.js';

const warnings: string[] = [];
const ctx = {
  config: { sources: ['oews'], OEWS_FORMAT: 'flatfiles' },
  log: { ...silentLogger, warn: (_o: unknown, msg: string) => warnings.push(msg) },
} as unknown as RunContext;

describe('SourceReader', () => {
  it('takes another worker’s hand-over instead of reading the files, and remembers it', async () => {
    const reader = new SourceReader();
    const handed = {
      bundle: {
        oews: { release: 'May 2024', estimates: OewsEstimateTable.from([]) },
        ep: null,
        exposure: null,
        epoch: null,
      },
      rejects: new RejectCollector(),
      releases: {},
    };
    let loads = 0;
    const load = async () => {
      loads += 1;
      return handed;
    };
    expect(await reader.read(ctx, {}, load)).toBe(handed);
    expect(await reader.read(ctx, {}, load)).toBe(handed);
    expect(loads).toBe(1);
  });

  it('reads the files itself when the hand-over cannot be loaded, saying why', async () => {
    const reader = new SourceReader();
    const out = await reader.read(ctx, {}, async () => {
      throw new Error('stage file missing');
    });
    expect(out.bundle).toEqual({ oews: null, ep: null, exposure: null, epoch: null });
    expect(warnings.some((w) => /could not load the read stage hand-over/.test(w))).toBe(true);
  });
});
