import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/log.js';
import { occupationRequest } from '../../../../src/sources/careeronestop/client.js';
import { storedOutcome } from '../../../../src/sources/careeronestop/queue/careerOneStopProbe.js';
import { MemoryResponseStore } from '../../../../src/sources/careeronestop/responseStore.js';

const config = {
  CAREERONESTOP_BASE_URL: 'http://127.0.0.1:9',
  CAREERONESTOP_USER_ID: 'user-probe',
  CAREERONESTOP_TOKEN: 'token-probe',
  CAREERONESTOP_MAX_AGE: 7 * 86_400_000,
  TRAINING_LOCATIONS: ['US'],
  TRAINING_PROGRAMS_PER_LOCATION: 10,
  HTTP_MAX_ATTEMPTS: 1,
  HTTP_RETRY_BASE_DELAY: 1,
  HTTP_RETRY_MAX_DELAY: 1,
};

describe('the CareerOneStop dry run that decides which occupations become child jobs', () => {
  it('says an occupation with nothing stored needs the API, without making a request', async () => {
    const store = new MemoryResponseStore();
    expect(await storedOutcome({ store, config, log: silentLogger }, '29-2072')).toBeNull();
    expect(store.entries.size).toBe(0);
  });

  it('answers from the store when CareerOneStop has no record (a stored 404 is current)', async () => {
    const store = new MemoryResponseStore();
    const now = new Date('2026-11-27T12:00:00Z');
    const req = occupationRequest(config.CAREERONESTOP_BASE_URL, { userId: 'u', token: 't' }, '29-2072');
    await store.put({
      endpoint: 'occupation',
      soc: '29-2072',
      params: req.params,
      requests: [req.publicPath],
      fetchedAt: new Date(now.getTime() - 3_600_000).toISOString(),
      status: 'not_found',
      body: null,
    });
    const outcome = await storedOutcome({ store, config, log: silentLogger, now: () => now }, '29-2072');
    expect(outcome).not.toBeNull();
    expect(outcome!.requests).toBe(0);
    expect(outcome!.endpoints.every((e) => e.status === 'not_found')).toBe(true);
  });

  it('says a stored answer older than CAREERONESTOP_MAX_AGE needs the API again', async () => {
    const store = new MemoryResponseStore();
    const now = new Date('2026-11-27T12:00:00Z');
    const req = occupationRequest(config.CAREERONESTOP_BASE_URL, { userId: 'u', token: 't' }, '29-2072');
    await store.put({
      endpoint: 'occupation',
      soc: '29-2072',
      params: req.params,
      requests: [req.publicPath],
      fetchedAt: new Date(now.getTime() - 8 * 86_400_000).toISOString(),
      status: 'not_found',
      body: null,
    });
    expect(await storedOutcome({ store, config, log: silentLogger, now: () => now }, '29-2072')).toBeNull();
  });
});
