/**
 * Workbooks (xlsx), bare or inside a BLS zip: taken out to a bounded temp file, then opened part by
 * part (boundedXlsx.ts). Kept apart from zip.ts, which boundedXlsx itself uses.
 */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '../errors.js';
import { type BoundedWorkbook, openBoundedWorkbook } from './boundedXlsx.js';
import { DEFAULT_READ_LIMITS, ReadLimitError, type ReadLimits } from './readLimits.js';
import { createTempFile } from './tempFiles.js';
import { listZipEntries, looksLikeZip, openZipEntryStream, ZipFormatError } from './zip.js';

export interface WorkbookSource {
  /** The xlsx on disk: the file itself, or the workbook taken out of the zip into a temp file. */
  path: string;
  /** Name of the workbook for messages and rejects: the inner entry's base name, else the file's name. */
  name: string;
  /** The entry path inside the outer zip (`oesm24nat/national_M2024_dl.xlsx`), or null for a bare xlsx. */
  entryPath: string | null;
  /** Removes the temp file, if any. */
  remove(): Promise<void>;
}

/** Stream `from` into `file`, refused (and stopped) past `limit` bytes. */
async function writeBounded(
  from: Readable,
  file: string,
  limit: number,
  onLimit: () => Error,
): Promise<void> {
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb(bytes > limit ? onLimit() : null, chunk);
    },
  });
  await pipeline(from, meter, createWriteStream(file));
}

/**
 * Find an xlsx, whether given bare or inside a zip as BLS serves it (a folder with one workbook).
 * Detected by content, not by name: an xlsx has `xl/workbook.xml` among its entries. When a zip holds
 * several workbooks, the largest is taken (the data file, not a field-description sheet). A workbook
 * inside a zip is inflated into `limits.tempDir` (random access is needed to read its parts in order),
 * refused past `limits.maxZipEntryBytes`.
 */
export async function openWorkbookSource(
  file: string,
  fileName?: string,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
  source = 'workbook',
): Promise<WorkbookSource> {
  const displayName = fileName ?? path.basename(file);
  if (!(await looksLikeZip(file))) {
    throw new ZipFormatError(
      `${displayName}: expected an xlsx workbook or a zip holding one, got other content`,
    );
  }
  const entries = await listZipEntries(file);
  if (entries.some((e) => e.name === 'xl/workbook.xml')) {
    return { path: file, name: displayName, entryPath: null, remove: async () => {} };
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
  const tooLarge = (what: string) =>
    new ReadLimitError(source, displayName, what, limits.maxZipEntryBytes, 'ZIP_MAX_ENTRY_BYTES');
  if (chosen.uncompressedSize > limits.maxZipEntryBytes)
    throw tooLarge(`entry ${chosen.name} declares ${chosen.uncompressedSize} bytes inflated, which`);
  const temp = await createTempFile(limits.tempDir, '.xlsx');
  try {
    await writeBounded(await openZipEntryStream(file, chosen), temp.file, limits.maxZipEntryBytes, () =>
      tooLarge(`entry ${chosen.name} inflates beyond ${limits.maxZipEntryBytes} bytes: it`),
    );
  } catch (err) {
    await temp.remove();
    throw err;
  }
  return {
    path: temp.file,
    name: path.posix.basename(chosen.name),
    entryPath: chosen.name,
    remove: temp.remove,
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

export interface OpenWorkbook {
  name: string;
  entryPath: string | null;
  sheets: BoundedWorkbook['sheets'];
  close(): Promise<void>;
}

/**
 * Open a workbook (bare xlsx or the one inside a BLS zip) for streaming its sheets (exceljs, fed part
 * by part within the limits: boundedXlsx.ts). A file that is not a workbook is a ValidationError
 * naming `label`. `close()` releases the file and removes any temp file, whatever happened.
 */
export async function openWorkbookReader(
  file: string,
  fileName: string | undefined,
  label: { source: string; what: string },
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<OpenWorkbook> {
  let source: WorkbookSource;
  try {
    source = await openWorkbookSource(file, fileName, limits, label.source);
  } catch (err) {
    if (err instanceof ZipFormatError)
      throw new ValidationError(`${label.what}: ${err.message}`, label.source);
    throw err;
  }
  let workbook: BoundedWorkbook;
  try {
    workbook = await openBoundedWorkbook(
      source.path,
      { source: label.source, file: source.name },
      limits.maxXlsxPartBytes,
      limits.maxCellChars,
    );
  } catch (err) {
    await source.remove();
    if (err instanceof ZipFormatError)
      throw new ValidationError(`${label.what}: ${err.message}`, label.source);
    throw err;
  }
  return {
    name: source.name,
    entryPath: source.entryPath,
    sheets: workbook.sheets,
    close: async () => {
      workbook.close();
      await source.remove();
    },
  };
}
