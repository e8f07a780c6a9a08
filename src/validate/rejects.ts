/**
 * Every rejected row is kept with what was expected and what was found, so the run report can
 * say exactly what was dropped and why.
 */
import type { z } from 'zod';
import { reportJson, truncateForReport } from './truncate.js';

export interface Reject {
  source: string;
  /** File name inside the artifact (e.g. `oe.data.0.Current`, `national_M2024_dl.xlsx`). */
  file?: string;
  /** 1-based row / line number in that file (header counts as a row), or a record key. */
  row: number | string;
  field: string;
  expected: string;
  got: string;
  reason: string;
}

export interface Warning {
  source: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Collects rejects and counts per source; bounded so a wholly broken file cannot exhaust memory. */
export class RejectCollector {
  readonly rejects: Reject[] = [];
  readonly warnings: Warning[] = [];
  readonly counts = new Map<
    string,
    { read: number; kept: number; rejected: number; byReason: Record<string, number> }
  >();
  constructor(readonly maxKept = 1_000) {}

  private bucket(source: string) {
    let b = this.counts.get(source);
    if (!b) {
      b = { read: 0, kept: 0, rejected: 0, byReason: {} };
      this.counts.set(source, b);
    }
    return b;
  }

  read(source: string, n = 1): void {
    this.bucket(source).read += n;
  }
  kept(source: string, n = 1): void {
    this.bucket(source).kept += n;
  }
  /** Every text is cut to REPORT_VALUE_MAX characters (full length noted): rejects reach manifests. */
  reject(r: Reject): void {
    const b = this.bucket(r.source);
    const reason = truncateForReport(r.reason, 1_000);
    b.rejected += 1;
    b.byReason[reason] = (b.byReason[reason] ?? 0) + 1;
    if (this.rejects.length < this.maxKept) {
      this.rejects.push({
        ...r,
        ...(r.file !== undefined ? { file: truncateForReport(r.file) } : {}),
        row: typeof r.row === 'string' ? truncateForReport(r.row) : r.row,
        field: truncateForReport(r.field),
        expected: truncateForReport(r.expected, 1_000),
        got: truncateForReport(r.got),
        reason,
      });
    }
  }
  warn(w: Warning): void {
    this.warnings.push({ ...w, message: truncateForReport(w.message, 1_000) });
  }
  total(): number {
    let n = 0;
    for (const b of this.counts.values()) n += b.rejected;
    return n;
  }
}

/** Turn zod issues for one row into rejects naming the field, the expectation and the value found. */
export function rejectsFromZod(
  error: z.ZodError,
  row: Record<string, unknown>,
  where: { source: string; file?: string; row: number | string },
): Reject[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(row)';
    const value = issue.path.length > 0 ? row[String(issue.path[0])] : row;
    return {
      ...where,
      field,
      expected: issue.message,
      got: value === undefined ? '(missing)' : reportJson(value),
      reason: issue.code === 'custom' ? issue.message : `invalid ${field}`,
    };
  });
}
