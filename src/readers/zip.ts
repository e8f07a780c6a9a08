/**
 * Zip containers as BLS serves them, and the xlsx inside them (an xlsx is itself a zip).
 * Entries are located through the central directory and inflated as a stream (node:zlib), so an
 * ≈80 MB workbook inside `oesm24all.zip` is never held in memory. Stored (0) and deflate (8) entries,
 * ZIP64 offsets and data descriptors are handled; the central directory is authoritative.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { PermanentError } from '../errors.js';

/** The file is not a readable zip (truncated download, HTML error page, unsupported method, …). */
export class ZipFormatError extends PermanentError {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  isDirectory: boolean;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const MAX_COMMENT = 0xffff;

/** True when the file starts like a zip (local header, or the end record of an empty zip). */
export async function looksLikeZip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    if (bytesRead < 4) return false;
    const sig = head.readUInt32LE(0);
    return sig === SIG_LOCAL || sig === SIG_EOCD;
  } finally {
    await fh.close();
  }
}

async function readAt(fh: import('node:fs/promises').FileHandle, position: number, length: number) {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** List a zip's entries from its central directory. */
export async function listZipEntries(file: string): Promise<ZipEntry[]> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const tailLength = Math.min(size, 22 + MAX_COMMENT);
    const tail = await readAt(fh, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === SIG_EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      throw new ZipFormatError(
        `${path.basename(file)}: not a zip file (no end-of-central-directory record; truncated or not a zip)`,
      );
    }
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const loc = eocd - 20;
      if (loc < 0 || tail.readUInt32LE(loc) !== SIG_ZIP64_LOCATOR) {
        throw new ZipFormatError(`${path.basename(file)}: ZIP64 end record expected but not found`);
      }
      const z64 = await readAt(fh, Number(tail.readBigUInt64LE(loc + 8)), 56);
      if (z64.readUInt32LE(0) !== SIG_ZIP64_EOCD) {
        throw new ZipFormatError(`${path.basename(file)}: bad ZIP64 end-of-central-directory record`);
      }
      count = Number(z64.readBigUInt64LE(32));
      cdSize = Number(z64.readBigUInt64LE(40));
      cdOffset = Number(z64.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > size) {
      throw new ZipFormatError(`${path.basename(file)}: central directory lies past the end of the file`);
    }
    const cd = await readAt(fh, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== SIG_CENTRAL) {
        throw new ZipFormatError(`${path.basename(file)}: corrupt central directory at entry ${i + 1}`);
      }
      const method = cd.readUInt16LE(p + 10);
      let compressedSize = cd.readUInt32LE(p + 20);
      let uncompressedSize = cd.readUInt32LE(p + 24);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      let localHeaderOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLength);
      // ZIP64 extra field: the 64-bit values appear in this order, only for fields saturated above.
      let x = p + 46 + nameLength;
      const extraEnd = x + extraLength;
      while (x + 4 <= extraEnd) {
        const id = cd.readUInt16LE(x);
        const len = cd.readUInt16LE(x + 2);
        if (id === 0x0001) {
          let q = x + 4;
          if (uncompressedSize === 0xffffffff) {
            uncompressedSize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = Number(cd.readBigUInt64LE(q));
        }
        x += 4 + len;
      }
      entries.push({
        name,
        method,
        compressedSize,
        uncompressedSize,
        localHeaderOffset,
        isDirectory: name.endsWith('/'),
      });
      p = extraEnd + commentLength;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/** Stream one entry's uncompressed bytes. */
export async function openZipEntryStream(file: string, entry: ZipEntry): Promise<Readable> {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipFormatError(
      `${path.basename(file)}: entry ${entry.name} uses compression method ${entry.method}; expected 0 (stored) or 8 (deflate)`,
    );
  }
  const fh = await open(file, 'r');
  let dataStart: number;
  try {
    const local = await readAt(fh, entry.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== SIG_LOCAL) {
      throw new ZipFormatError(`${path.basename(file)}: bad local header for entry ${entry.name}`);
    }
    dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await fh.close();
  }
  if (entry.compressedSize === 0) {
    const empty = new PassThrough();
    empty.end();
    return empty;
  }
  const raw = createReadStream(file, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
  if (entry.method === 0) return raw;
  const inflate = createInflateRaw();
  // pipeline forwards a read error to `inflate`, which is what the caller consumes.
  pipeline(raw, inflate, () => {});
  return inflate;
}

export interface WorkbookSource {
  stream: Readable;
  /** Name of the workbook for messages and rejects: the inner entry's base name, else the file's name. */
  name: string;
  /** The entry path inside the outer zip (`oesm24nat/national_M2024_dl.xlsx`), or null for a bare xlsx. */
  entryPath: string | null;
}

/**
 * Open an xlsx for streaming, whether given bare or inside a zip as BLS serves it (a folder with one
 * workbook). Detected by content, not by name: an xlsx has `xl/workbook.xml` among its entries. When a
 * zip holds several workbooks, the largest is taken (the data file, not a field-description sheet).
 */
export async function openWorkbookSource(file: string, fileName?: string): Promise<WorkbookSource> {
  const displayName = fileName ?? path.basename(file);
  if (!(await looksLikeZip(file))) {
    throw new ZipFormatError(
      `${displayName}: expected an xlsx workbook or a zip holding one, got other content`,
    );
  }
  const entries = await listZipEntries(file);
  if (entries.some((e) => e.name === 'xl/workbook.xml')) {
    return { stream: createReadStream(file), name: displayName, entryPath: null };
  }
  const workbooks = entries
    .filter((e) => !e.isDirectory && /\.xlsx$/i.test(e.name))
    .filter((e) => !e.name.startsWith('__MACOSX/') && !path.posix.basename(e.name).startsWith('~$'))
    .sort((a, b) => b.uncompressedSize - a.uncompressedSize);
  const chosen = workbooks[0];
  if (!chosen) {
    const names = entries.map((e) => e.name).slice(0, 10);
    throw new ZipFormatError(
      `${displayName}: expected a zip holding an .xlsx workbook, found entries [${names.join(', ')}]`,
    );
  }
  return {
    stream: await openZipEntryStream(file, chosen),
    name: path.posix.basename(chosen.name),
    entryPath: chosen.name,
  };
}

export type PlainCell = string | number | boolean | null;

/**
 * An exceljs cell value as plain data: rich text and hyperlinks become their text, formulas their
 * cached result, dates ISO strings, errors `#NAME?`-style strings (so they fail validation visibly).
 */
export function cellText(value: unknown): PlainCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) {
      return (v.richText as Array<{ text?: unknown }>).map((r) => String(r.text ?? '')).join('');
    }
    if ('hyperlink' in v || ('text' in v && !('formula' in v))) return cellText(v.text);
    if ('formula' in v || 'sharedFormula' in v) return cellText(v.result);
    if ('error' in v) return String(v.error);
  }
  return JSON.stringify(value);
}
