import { describe, expect, it } from 'vitest';
import {
  abortableSleep,
  backoffDelay,
  errorCode,
  isRetryableError,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
} from '../../src/http/retryPolicy.js';

describe('isRetryableStatus', () => {
  it('retries 408, 425, 429 and server errors', () => {
    for (const s of [408, 425, 429, 500, 502, 503, 504]) expect(isRetryableStatus(s)).toBe(true);
  });
  it('does not retry client errors or 501/505', () => {
    for (const s of [400, 401, 403, 404, 410, 422, 501, 505]) expect(isRetryableStatus(s)).toBe(false);
  });
});

describe('isRetryableError', () => {
  it('accepts listed codes, also when wrapped in a cause', () => {
    expect(isRetryableError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    const wrapped = new Error('outer', {
      cause: Object.assign(new Error('inner'), { code: 'UND_ERR_SOCKET' }),
    });
    expect(errorCode(wrapped)).toBe('UND_ERR_SOCKET');
    expect(isRetryableError(wrapped)).toBe(true);
  });
  it('rejects unknown codes and plain errors', () => {
    expect(isRetryableError(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe(false);
    expect(isRetryableError(new Error('boom'))).toBe(false);
    expect(isRetryableError('string')).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });
  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('backoffDelay (full jitter)', () => {
  it('doubles the ceiling per attempt up to the maximum', () => {
    const top = () => 1;
    expect(backoffDelay(1, 100, 10_000, top)).toBe(100);
    expect(backoffDelay(2, 100, 10_000, top)).toBe(200);
    expect(backoffDelay(4, 100, 10_000, top)).toBe(800);
    expect(backoffDelay(20, 100, 10_000, top)).toBe(10_000);
  });
  it('draws uniformly below the ceiling', () => {
    expect(backoffDelay(3, 100, 10_000, () => 0)).toBe(0);
    expect(backoffDelay(3, 100, 10_000, () => 0.5)).toBe(200);
  });
  it('uses the server Retry-After instead of backoff when given', () => {
    expect(retryDelay({ attempt: 1, baseMs: 5, maxMs: 50, retryAfterMs: 1000, random: () => 1 })).toBe(1000);
    expect(retryDelay({ attempt: 1, baseMs: 5, maxMs: 50, random: () => 1 })).toBe(5);
  });
});

describe('abortableSleep', () => {
  it("rejects with the signal's reason as soon as it aborts", async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
  });

  it('rejects at once on a signal already aborted, and resolves when not aborted', async () => {
    await expect(abortableSleep(60_000, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    await expect(abortableSleep(1)).resolves.toBeUndefined();
  });
});
