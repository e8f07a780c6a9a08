import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncodingWriter } from '../../src/store/encodingWriter.js';
import { digestFile } from '../../src/store/snapshotFiles.js';

describe('EncodingWriter and digestFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-writer-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes every piece in order, multi-byte characters and pieces larger than its buffer included, and shows each byte once', async () => {
    const file = path.join(dir, 'out.txt');
    const handle = await open(file, 'wx');
    const seen: Buffer[] = [];
    // A 16-byte buffer: almost every piece crosses a flush.
    const writer = new EncodingWriter(handle, (b) => seen.push(Buffer.from(b)), 16);
    const pieces = ['{"a":', 'é€😀', 'x'.repeat(40), '', 'ü'.repeat(7), '}', '\n', 'tail'];
    for (const piece of pieces) {
      const full = writer.write(piece);
      if (full) await full;
    }
    await writer.flush();
    await handle.close();
    const expected = Buffer.from(pieces.join(''), 'utf8');
    expect(await readFile(file)).toEqual(expected);
    expect(Buffer.concat(seen)).toEqual(expected);
  });

  it('digests a file larger than its read buffer as sha256 of the whole file', async () => {
    const file = path.join(dir, 'big.bin');
    const bytes = Buffer.alloc(2.5 * (1 << 20));
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    await writeFile(file, bytes);
    expect(await digestFile(file)).toEqual({
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
    });
  });
});
