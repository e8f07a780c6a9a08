import { describe, expect, it } from 'vitest';
import { LineQueue } from '../../src/readers/lineQueue.js';

describe('LineQueue', () => {
  it('gives back the numbers in order, across wrap-around and growth', () => {
    const queue = new LineQueue();
    const out: number[] = [];
    let next = 1;
    // Fill past the first ring size while consuming, so the head wraps before the ring grows.
    for (let i = 0; i < 6000; i++) queue.push(next++);
    for (let i = 0; i < 5000; i++) out.push(queue.shift()!);
    for (let i = 0; i < 20_000; i++) queue.push(next++);
    expect(queue.pending).toBe(21_000);
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) out.push(n);
    expect(out).toEqual(Array.from({ length: next - 1 }, (_, i) => i + 1));
    expect(queue.pending).toBe(0);
    expect(queue.shift()).toBeUndefined();
  });
});
