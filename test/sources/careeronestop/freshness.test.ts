import { describe, expect, it } from 'vitest';
import type { EndpointJob } from '../../../src/sources/careeronestop/endpoints.js';
import {
  isCurrent,
  reusedOutcome,
  unattemptedOutcome,
} from '../../../src/sources/careeronestop/freshness.js';
import type { StoredResponse } from '../../../src/sources/careeronestop/responseStore.js';

const DAY = 86_400_000;
const fetchedAt = '2026-01-01T00:00:00.000Z';
const t0 = Date.parse(fetchedAt);
const params = { keyword: '29-2072.00', location: 'US', pageSize: 10, programs: 10 };
const entry = (over: Partial<StoredResponse> = {}): StoredResponse => ({
  endpoint: 'training',
  soc: '29-2072',
  location: 'US',
  params,
  requests: ['/v1/training/{userId}/29-2072.00/US/0/10'],
  fetchedAt,
  status: 'ok',
  body: {},
  ...over,
});
const job: EndpointJob = {
  endpoint: 'training',
  location: 'US',
  params,
  notFoundReason: 'CareerOneStop has no training programs (US) record for 29-2072.00 (404)',
  fetch: async () => ({ status: 'ok', body: {}, requests: [] }),
};

describe('isCurrent', () => {
  it('is current within max age, not at or beyond it', () => {
    expect(isCurrent(entry(), params, new Date(t0), 7 * DAY)).toBe(true);
    expect(isCurrent(entry(), params, new Date(t0 + 7 * DAY - 1), 7 * DAY)).toBe(true);
    expect(isCurrent(entry(), params, new Date(t0 + 7 * DAY), 7 * DAY)).toBe(false);
  });

  it('is not current when nothing is stored, the time is unreadable or in the future', () => {
    expect(isCurrent(undefined, params, new Date(t0), 7 * DAY)).toBe(false);
    expect(isCurrent(entry({ fetchedAt: 'yesterday' }), params, new Date(t0), 7 * DAY)).toBe(false);
    expect(isCurrent(entry(), params, new Date(t0 - 1), 7 * DAY)).toBe(false);
  });

  it('compares the request parameters by value, in any order; a changed request is not current', () => {
    const reordered = { programs: '10', pageSize: 10, location: 'US', keyword: '29-2072.00' };
    expect(isCurrent(entry(), reordered, new Date(t0), 7 * DAY)).toBe(true);
    expect(isCurrent(entry(), { ...params, programs: 50 }, new Date(t0), 7 * DAY)).toBe(false);
    expect(isCurrent(entry(), { ...params, extra: 1 }, new Date(t0), 7 * DAY)).toBe(false);
  });
});

describe('outcomes answered from the store', () => {
  it('a current copy is reused; a current 404 stays not_found with its reason', () => {
    expect(reusedOutcome(job, entry())).toEqual({
      endpoint: 'training',
      location: 'US',
      status: 'reused',
      fetchedAt,
      requests: 0,
    });
    expect(reusedOutcome(job, entry({ status: 'not_found', body: null }))).toEqual({
      endpoint: 'training',
      location: 'US',
      status: 'not_found',
      fetchedAt,
      requests: 0,
      reason: job.notFoundReason,
    });
  });

  it('an endpoint not attempted is reused, stale or failed by what is stored', () => {
    const why = 'not attempted after: HTTP 503';
    expect(unattemptedOutcome(job, entry(), true, why)).toMatchObject({ status: 'reused', requests: 0 });
    expect(unattemptedOutcome(job, entry(), true, why).reason).toBeUndefined();
    expect(unattemptedOutcome(job, entry(), false, why)).toMatchObject({
      status: 'stale',
      fetchedAt,
      reason: why,
    });
    expect(unattemptedOutcome(job, undefined, false, why)).toMatchObject({
      status: 'failed',
      fetchedAt: null,
      reason: why,
    });
  });
});
