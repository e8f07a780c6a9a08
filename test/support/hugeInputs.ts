/**
 * Hostile inputs generated on the fly (never committed): a workbook part that inflates to gigabytes
 * from a few megabytes of deflate data, and files written by streaming.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { constants, deflateRawSync } from 'node:zlib';
import { unzipSync, zipSync } from 'fflate';

/** Raw deflate data that inflates to `blocks` × `block` (self-contained, byte-aligned segments). */
export function deflateBomb(block: Buffer, blocks: number): Buffer {
  // One full-flushed segment is independent of what precedes it, so copies concatenate; then a final empty block.
  const segment = deflateRawSync(block, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const end = deflateRawSync(Buffer.alloc(0));
  return Buffer.concat([...Array.from({ length: blocks }, () => segment), end]);
}

interface RawEntry {
  name: string;
  /** Deflated bytes. */
  data: Buffer;
  /** What the central directory says it inflates to (may lie). */
  declaredSize: number;
}

/** A zip of deflated entries written by hand (CRC left 0: readers of BLS files do not check it). */
export function zipOfDeflated(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += local.length + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

/** An xlsx's entries with one replaced by raw deflate data (`declaredSize` as given). */
export function xlsxWithPart(xlsx: Uint8Array, part: string, data: Buffer, declaredSize: number): Buffer {
  const entries = Object.entries(unzipSync(xlsx)).map(([name, bytes]) =>
    name === part
      ? { name, data, declaredSize }
      : { name, data: deflateRawSync(bytes), declaredSize: bytes.length },
  );
  return zipOfDeflated(entries);
}

/** An xlsx with one string of its shared strings replaced (e.g. by a 50 MB one). */
export function xlsxWithSharedString(xlsx: Uint8Array, from: string, to: string): Uint8Array {
  const files = unzipSync(xlsx);
  const xml = Buffer.from(files['xl/sharedStrings.xml']!).toString('utf8');
  if (!xml.includes(from)) throw new Error(`no shared string ${from}`);
  files['xl/sharedStrings.xml'] = Buffer.from(xml.replace(from, to));
  return zipSync(files, { level: 1 });
}

/** Write `head`, then `bytes` of `fill` in 1 MiB pieces (streamed, never held), then `tail`. */
export async function writeStreamed(
  file: string,
  head: string,
  fill: number,
  bytes: number,
  tail = '',
): Promise<void> {
  const out = createWriteStream(file);
  out.write(head);
  const piece = Buffer.alloc(1 << 20, fill);
  for (let left = bytes; left > 0; left -= piece.length) {
    if (!out.write(left >= piece.length ? piece : piece.subarray(0, left))) await once(out, 'drain');
  }
  out.end(tail);
  await once(out, 'finish');
}
