import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readVerifiedLines } from '../../src/store/ndjson.js';

describe('readVerifiedLines', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-ndjson-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const x of it) out.push(x);
    return out;
  }

  it('parses every line of a file read in pieces, lines crossing piece boundaries, last line unterminated', async () => {
    // ~3 MB of lines of varied length, so lines straddle the 1 MB reads; one line alone is 1.5 MB.
    const values = [
      ...Array.from({ length: 2000 }, (_, i) => ({ i, text: 'x'.repeat((i * 37) % 900) })),
      { i: -1, text: 'y'.repeat(1_500_000) },
      { i: -2, text: 'last' },
    ];
    const bytes = Buffer.from(`${values.map((v) => JSON.stringify(v)).join('\n')}`);
    const file = path.join(dir, 'lines.ndjson');
    await writeFile(file, bytes);
    const read = await collect(readVerifiedLines(file, sha(bytes), () => new Error('mismatch')));
    expect(read).toEqual(values);
  });

  it('throws the caller’s error after the last line when the bytes are not the expected ones', async () => {
    const file = path.join(dir, 'lines.ndjson');
    await writeFile(file, '{"a":1}\n{"a":2}\n');
    const seen: unknown[] = [];
    const run = async () => {
      for await (const x of readVerifiedLines(
        file,
        sha(Buffer.from('{"a":1}\n')),
        (actual) => new Error(`got ${actual}`),
      ))
        seen.push(x);
    };
    await expect(run()).rejects.toThrow(/^got [0-9a-f]{64}$/);
    expect(seen).toHaveLength(2);
  });
});
