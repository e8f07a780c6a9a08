/** The queue driver publishes the same O*NET parts as the embedded refresh (real Redis, a worker process). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { OccupationRecord } from '../../src/model/occupation.js';
import { type QueueHarness, queueHarness } from './support/harness.js';

const redisUrl = inject('redisUrl');

let h: QueueHarness;
beforeEach(async () => {
  h = await queueHarness(redisUrl);
});
afterEach(async () => {
  await h.close();
});

describe('O*NET in the queue flow', () => {
  it('fetches and reads onet in its own stages and the snapshot carries its fields and attribution', async () => {
    await h.spawnWorker();
    const producer = await h.producer();
    const { runId } = await producer.request({ trigger: 'manual' });
    const run = await h.waitForRun(runId);
    expect(run.status).toBe('published');
    expect(run.stages['fetch:onet']?.state).toBe('done');
    const id = run.outcome!.snapshotId!;
    const dir = path.join(h.dir, 'snapshots', id);
    const recs = (await readFile(path.join(dir, 'occupations.ndjson'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as OccupationRecord);
    const mrs = recs.find((r) => r.soc === '29-2072')!;
    expect(mrs.onet).toMatchObject({ release: '29.2', combination: 'exact', onetCodes: ['29-2072.00'] });
    expect(mrs.description).toMatch(/^Compile, process, and maintain medical records/);
    expect(mrs.jobZone?.zone).toBe(3);
    expect(mrs.technologySkills).toHaveLength(111);
    expect(mrs.video?.source).toBe('careeronestop');
    expect(recs.find((r) => r.soc === '13-1199')?.onet?.combination).toBe('children-union');
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.sources.onet[0].attribution).toMatch(/CC BY 4\.0/);
    expect(manifest.quality.unmatched.onetNotInSnapshot).toEqual(['29-9021.00', '31-9094.00']);
  }, 90_000);
});
