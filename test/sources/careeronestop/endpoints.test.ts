import { afterEach, describe, expect, it } from 'vitest';
import { fetchCareerOneStopOccupation } from '../../../src/sources/careeronestop/fetchOccupation.js';
import { careerOneStopFields, loadStoredEntries } from '../../../src/sources/careeronestop/toRecordFields.js';
import { apiRequests, type Rig, startRig } from './harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('the list endpoints page with the path parameters', () => {
  it('pages training programs with the path parameters and stops at RecordCount', async () => {
    rig = await startRig({ TRAINING_PROGRAMS_PER_LOCATION: '50' });
    const outcome = await fetchCareerOneStopOccupation(rig.deps(), { soc: '29-1141' });
    const trainingPaths = apiRequests(rig.server).filter((p) => p.startsWith('/v1/training/'));
    // 23 programs, page size 10: 0/10, 10/10, 20/10 and no fourth page.
    expect(trainingPaths.map((p) => p.split('/').slice(-2).join('/'))).toEqual(['0/10', '10/10', '20/10']);
    expect(outcome.endpoints.find((e) => e.endpoint === 'training')?.requests).toBe(3);
    const f = careerOneStopFields(
      await loadStoredEntries(rig.store, '29-1141', ['US']),
      new Date(),
      rig.config.CAREERONESTOP_MAX_AGE,
    );
    expect(f.training?.programs.US?.count).toBe(23);
    expect(f.training?.programs.US?.items).toHaveLength(23);
  });

  it('asks only for the first N programs per location and still reports the full count', async () => {
    rig = await startRig({ TRAINING_PROGRAMS_PER_LOCATION: '10', TRAINING_LOCATIONS: 'US,TX' });
    await fetchCareerOneStopOccupation(rig.deps(), { soc: '29-1141' });
    const trainingPaths = apiRequests(rig.server).filter((p) => p.startsWith('/v1/training/'));
    expect(trainingPaths).toHaveLength(2);
    const f = careerOneStopFields(
      await loadStoredEntries(rig.store, '29-1141', ['US', 'TX']),
      new Date(),
      rig.config.CAREERONESTOP_MAX_AGE,
    );
    expect(f.training?.programs.US).toMatchObject({ count: 23 });
    expect(f.training?.programs.US?.items).toHaveLength(10);
    // Austin Community College is every 8th program: 3 of 23 are in Texas.
    expect(f.training?.programs.TX?.count).toBe(3);
    expect(f.training?.programs.TX?.items.every((p) => p.state === 'Texas')).toBe(true);
  });

  it('with TRAINING_PROGRAMS_PER_LOCATION=0 asks for one record and keeps only the count', async () => {
    rig = await startRig({ TRAINING_PROGRAMS_PER_LOCATION: '0' });
    await fetchCareerOneStopOccupation(rig.deps(), { soc: '29-1141' });
    const trainingPaths = apiRequests(rig.server).filter((p) => p.startsWith('/v1/training/'));
    expect(trainingPaths.map((p) => p.split('/').slice(-2).join('/'))).toEqual(['0/1']);
    const f = careerOneStopFields(
      await loadStoredEntries(rig.store, '29-1141', ['US']),
      new Date(),
      rig.config.CAREERONESTOP_MAX_AGE,
    );
    expect(f.training?.programs.US).toEqual({ count: 23, items: [] });
  });
});
