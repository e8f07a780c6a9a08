/**
 * Limits every reader applies while reading, so a hostile or broken upstream file fails fast with a
 * message naming the file, the limit and the setting, instead of exhausting memory or disk. Set in
 * src/config.ts (READ_* / ZIP_* / XLSX_*), documented in the README.
 */
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config.js';
import { ValidationError } from '../errors.js';
import type { RejectCollector } from '../validate/rejects.js';
import { reportJson } from '../validate/truncate.js';

export interface ReadLimits {
  /** Longest line of a text file (CSV, TSV), in bytes. */
  maxLineBytes: number;
  /** Longest workbook cell, in characters: a longer one rejects its row. */
  maxCellChars: number;
  /** Most data rows (lines) of one file. */
  maxRows: number;
  /** Largest inflated size of one zip entry (the workbook inside a BLS zip). */
  maxZipEntryBytes: number;
  /** Largest inflated size of one part of an xlsx (a sheet, the shared strings). */
  maxXlsxPartBytes: number;
  /** Where readers put temporary files (CACHE_DIR/tmp in a run). */
  tempDir: string;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxLineBytes: 1_048_576,
  maxCellChars: 10_000,
  maxRows: 20_000_000,
  maxZipEntryBytes: 1_073_741_824,
  maxXlsxPartBytes: 1_073_741_824,
  tempDir: path.join(os.tmpdir(), 'careerdata-tmp'),
};

export function readLimitsFrom(
  config: Pick<
    Config,
    | 'CACHE_DIR'
    | 'READ_MAX_LINE_BYTES'
    | 'READ_MAX_CELL_CHARS'
    | 'READ_MAX_ROWS'
    | 'ZIP_MAX_ENTRY_BYTES'
    | 'XLSX_MAX_PART_BYTES'
  >,
): ReadLimits {
  return {
    maxLineBytes: config.READ_MAX_LINE_BYTES,
    maxCellChars: config.READ_MAX_CELL_CHARS,
    maxRows: config.READ_MAX_ROWS,
    maxZipEntryBytes: config.ZIP_MAX_ENTRY_BYTES,
    maxXlsxPartBytes: config.XLSX_MAX_PART_BYTES,
    tempDir: path.join(path.resolve(config.CACHE_DIR), 'tmp'),
  };
}

/**
 * Rejects a workbook row one of whose text cells is longer than READ_MAX_CELL_CHARS (counting it as
 * read); `fieldOf` names the column. True when the row was rejected.
 */
export function rejectLongCell(
  values: readonly unknown[],
  maxCellChars: number,
  rejects: RejectCollector,
  at: { source: string; file: string; row: number; fieldOf: (column: number) => string },
): boolean {
  const long = values.findIndex((v) => typeof v === 'string' && v.length > maxCellChars);
  if (long < 0) return false;
  rejects.read(at.source);
  rejects.reject({
    source: at.source,
    file: at.file,
    row: at.row,
    field: at.fieldOf(long),
    expected: `a cell of at most ${maxCellChars} characters (READ_MAX_CELL_CHARS)`,
    got: reportJson(values[long]),
    reason: 'cell too long',
  });
  return true;
}

/** A file went over a read limit: permanent (the same bytes fail the same way), names the setting. */
export class ReadLimitError extends ValidationError {
  constructor(source: string, file: string, what: string, limit: number, setting: string) {
    super(
      `${source}: ${file}: ${what} exceeds the limit of ${limit} (${setting}; raise it if the file is genuine)`,
      source,
      {
        file,
        limit,
        setting,
      },
    );
    this.name = 'ReadLimitError';
  }
}
