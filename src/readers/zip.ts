import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
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
const SIG_EOCD = 0x06054b50;

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

/** Open with yauzl (central directory, ZIP64, streamed inflate); its errors become ZipFormatError. */
export function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err || !zip) reject(new ZipFormatError(`${path.basename(file)}: ${err?.message ?? 'not a zip'}`));
      else resolve(zip);
    });
  });
}

/** Walk the entries until `stop` returns a value (or to the end); the zip stays open for the caller. */
function walkEntries<T>(
  zip: yauzl.ZipFile,
  file: string,
  stop: (e: yauzl.Entry) => T | undefined,
): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      const found = stop(e);
      if (found !== undefined) resolve(found);
      else zip.readEntry();
    });
    zip.on('end', () => resolve(undefined));
    zip.on('error', (err: Error) => reject(new ZipFormatError(`${path.basename(file)}: ${err.message}`)));
    zip.readEntry();
  });
}

/** Every entry, in central-directory order. */
export async function walkAll(
  zip: yauzl.ZipFile,
  file: string,
  each: (e: yauzl.Entry) => void,
): Promise<void> {
  await walkEntries(zip, file, (e) => {
    each(e);
    return undefined;
  });
}

function toEntry(e: yauzl.Entry): ZipEntry {
  return {
    name: e.fileName,
    method: e.compressionMethod,
    compressedSize: e.compressedSize,
    uncompressedSize: e.uncompressedSize,
    localHeaderOffset: e.relativeOffsetOfLocalHeader,
    isDirectory: e.fileName.endsWith('/'),
  };
}

/** List a zip's entries from its central directory. */
export async function listZipEntries(file: string): Promise<ZipEntry[]> {
  const zip = await openZip(file);
  const entries: ZipEntry[] = [];
  try {
    await walkEntries(zip, file, (e) => {
      entries.push(toEntry(e));
      return undefined;
    });
    return entries;
  } finally {
    zip.close();
  }
}

/** Stream one entry's uncompressed bytes (the ≈80 MB all-data workbook is never held in memory). */
export async function openZipEntryStream(file: string, entry: ZipEntry): Promise<Readable> {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipFormatError(
      `${path.basename(file)}: entry ${entry.name} uses compression method ${entry.method}; expected 0 (stored) or 8 (deflate)`,
    );
  }
  const zip = await openZip(file);
  try {
    const found = await walkEntries(zip, file, (e) => (e.fileName === entry.name ? e : undefined));
    if (!found) throw new ZipFormatError(`${path.basename(file)}: no entry ${entry.name}`);
    return await new Promise<Readable>((resolve, reject) => {
      zip.openReadStream(found, (err, stream) => {
        if (err || !stream)
          reject(new ZipFormatError(`${path.basename(file)}: ${err?.message ?? 'unreadable entry'}`));
        else resolve(stream);
      });
    });
  } finally {
    // yauzl keeps the file open until the entry's stream has ended.
    zip.close();
  }
}
