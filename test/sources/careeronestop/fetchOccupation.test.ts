import { afterEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../../src/errors.js';
import { fetchCareerOneStopOccupation } from '../../../src/sources/careeronestop/fetchOccupation.js';
import {
  careerOneStopFieldsWithReasons,
  loadStoredEntries,
} from '../../../src/sources/careeronestop/toRecordFields.js';
import { type Rig, startRig } from './harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('fetchCareerOneStopOccupation against the fixture API', () => {
  it('records a 404 as not_found without requesting certifications or training', async () => {
    rig = await startRig();
    const outcome = await fetchCareerOneStopOccupation(rig.deps(), { soc: '45-3031' });
    expect(outcome.endpoints.map((e) => e.status)).toEqual(['not_found', 'not_found', 'not_found']);
    expect(outcome.requests).toBe(1);
    const stored = await rig.store.get('occupation', '45-3031');
    expect(stored?.status).toBe('not_found');

    const entries = await loadStoredEntries(rig.store, '45-3031', ['US']);
    const { fields: f, missing } = careerOneStopFieldsWithReasons(
      entries,
      new Date(),
      rig.config.CAREERONESTOP_MAX_AGE,
    );
    expect(f.sourceStatus.status).toBe('not_found');
    expect(f.alsoKnownAs).toBeNull();
    expect(f.training).toBeNull();
    expect(missing.alsoKnownAs).toContain('no record for 45-3031.00');
  });

  it('a wrong token gets the same single stop (the fixture API checks the Bearer token)', async () => {
    rig = await startRig({}, { token: 'tok-WRONG' });
    const err = await fetchCareerOneStopOccupation(rig.deps(), { soc: '29-2072' }).catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(String(err.message)).not.toContain('tok-WRONG');
  });

  it('honours Retry-After on 429 and then succeeds', async () => {
    rig = await startRig();
    rig.faults.rateLimit(2, 3);
    const outcome = await fetchCareerOneStopOccupation(rig.deps(), { soc: '29-2072' });
    expect(outcome.endpoints.every((e) => e.status === 'fresh')).toBe(true);
    expect(rig.sleeps.slice(0, 2)).toEqual([3000, 3000]);
    expect(outcome.requests).toBe(3 + 2);
  });

  it('retries 500 three times with backoff and then succeeds', async () => {
    rig = await startRig();
    rig.faults.serverError(3, 500);
    const outcome = await fetchCareerOneStopOccupation(rig.deps(), { soc: '29-2072' });
    expect(outcome.endpoints[0]).toMatchObject({ endpoint: 'occupation', status: 'fresh', requests: 4 });
    expect(rig.sleeps).toHaveLength(3);
    for (const ms of rig.sleeps) expect(ms).toBeLessThanOrEqual(20); // HTTP_RETRY_MAX_DELAY
  });

  it('a slow upstream times out, is retried, and then fails the unit without trying its other endpoints', async () => {
    rig = await startRig({ HTTP_MAX_ATTEMPTS: '2' });
    // The rig's HttpClient has a 5 s headers timeout; a tighter one makes the delay a timeout.
    const { HttpClient } = await import('../../../src/http/httpClient.js');
    const slowHttp = new HttpClient({
      userAgent: 't',
      connectTimeoutMs: 1000,
      headersTimeoutMs: 100,
      bodyTimeoutMs: 1000,
      maxAttempts: 1,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 10,
      maxBodyBytes: 1_000_000,
      log: rig.deps().log,
    });
    try {
      rig.faults.delay(2_000);
      const outcome = await fetchCareerOneStopOccupation(rig.deps({ http: slowHttp }), { soc: '29-2072' });
      expect(outcome.endpoints[0]).toMatchObject({ endpoint: 'occupation', status: 'failed', requests: 2 });
      expect(outcome.endpoints[0]?.reason).toMatch(/timeout|UND_ERR_HEADERS_TIMEOUT/i);
      expect(outcome.endpoints.slice(1).map((e) => e.status)).toEqual(['failed', 'failed']);
      expect(outcome.endpoints[1]?.reason).toMatch(/^not attempted after: /);
      expect(outcome.requests).toBe(2);
    } finally {
      await slowHttp.close();
    }
  });

  it('treats an ErrorMessage in a 200 body as an error for that occupation', async () => {
    rig = await startRig();
    rig.faults.errorMessage('29-2072', 'Keyword not recognised');
    const outcome = await fetchCareerOneStopOccupation(rig.deps(), { soc: '29-2072' });
    expect(outcome.endpoints[0]).toMatchObject({ status: 'failed' });
    expect(outcome.endpoints[0]?.reason).toContain('ErrorMessage "Keyword not recognised"');
  });
});
