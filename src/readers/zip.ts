/**
 * Zip containers as BLS serves them, and the xlsx inside them (an xlsx is itself a zip).
 * yauzl reads the central directory and inflates entries as streams, so an ≈80 MB workbook inside
 * `oesm24all.zip` is never held in memory (ZIP64 and data descriptors included).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { PermanentError, ValidationError } from '../errors.js';

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

/**
 * Open a workbook (bare xlsx or the one inside a BLS zip) as exceljs's streaming sheet reader. A file
 * that is not a workbook is a ValidationError naming `label`. exceljs takes ~0.5 s to load, so it loads
 * only when a workbook is read (a no-op refresh reads none).
 */
export async function openWorkbookReader(
  file: string,
  fileName: string | undefined,
  label: { source: string; what: string },
): Promise<WorkbookSource & { reader: ExcelJS.stream.xlsx.WorkbookReader }> {
  let source: WorkbookSource;
  try {
    source = await openWorkbookSource(file, fileName);
  } catch (err) {
    if (err instanceof ZipFormatError)
      throw new ValidationError(`${label.what}: ${err.message}`, label.source);
    throw err;
  }
  const { default: excel } = await import('exceljs');
  const reader = new excel.stream.xlsx.WorkbookReader(source.stream, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  return { ...source, reader };
}
