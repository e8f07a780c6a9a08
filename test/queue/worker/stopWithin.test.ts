/**
 * The stop deadline of a worker process, on a fake clock: whatever hangs, `stop` resolves at
 * SHUTDOWN_TIMEOUT, not before and not later; an orderly stop that finishes first is not reported
 * as a missed deadline. (The worker-process tests check the same path end to end by its log line.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stopWithin } from '../../../src/queue/worker/workerProcess.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('stopWithin', () => {
  it('resolves at the deadline when the orderly stop hangs (a Redis that does not answer)', async () => {
    let missed = 0;
    let stopped = false;
    void stopWithin(new Promise<void>(() => {}), 3_000, () => {
      missed += 1;
    }).then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(2_999);
    expect({ stopped, missed }).toEqual({ stopped: false, missed: 0 });
    await vi.advanceTimersByTimeAsync(1);
    expect({ stopped, missed }).toEqual({ stopped: true, missed: 1 });
  });

  it('resolves with the orderly stop when it finishes first, and never reports the deadline', async () => {
    let missed = 0;
    let stopped = false;
    const orderly = new Promise<void>((r) => setTimeout(r, 1_000));
    void stopWithin(orderly, 3_000, () => {
      missed += 1;
    }).then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(missed).toBe(0);
  });
});
