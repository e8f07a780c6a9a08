import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineSpool } from '../../src/store/lineSpool.js';

describe('LineSpool', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-spool-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function readAll(spool: LineSpool): Promise<string[]> {
    const out: string[] = [];
    for await (const line of spool.lines()) out.push(line);
    return out;
  }

  it('gives the lines back in order, across 1 MB pieces and multi-byte characters split between them', async () => {
    const spool = await LineSpool.create(path.join(dir, 'spool'));
    // Lines of 3-byte characters whose boundaries fall at every offset of a 1 MB piece, and one
    // line longer than a piece.
    const lines = Array.from({ length: 700 }, (_, i) => `${i}:${'€'.repeat(1000 + (i % 7))}`);
    lines.splice(350, 0, `long:${'ü'.repeat(1_500_000)}`);
    for (const l of lines) await spool.add(l);
    expect(spool.length).toBe(lines.length);
    expect(await readAll(spool)).toEqual(lines);
    await spool.discard();
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives nothing back when nothing was added, and discards its file', async () => {
    const spool = await LineSpool.create(path.join(dir, 'spool'));
    expect(await readAll(spool)).toEqual([]);
    await spool.discard();
    expect(await readdir(dir)).toEqual([]);
  });
});
