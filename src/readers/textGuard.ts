/**
 * A pass-through guard in front of a text parser (csv-parse): refuses a line longer than
 * READ_MAX_LINE_BYTES or a file with more than READ_MAX_ROWS lines as soon as it sees one (never
 * buffering the rest of a 100 MB line), and checks each line is valid UTF-8 as CSVs and the BLS
 * flat files are, so bytes that are not never turn into U+FFFD silently: an invalid header fails
 * the file; any other invalid line is listed in `invalidLines` for the reader to reject its row.
 */
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { ValidationError } from '../errors.js';
import { ReadLimitError, type ReadLimits } from './readLimits.js';

const NEWLINE = 0x0a;

export class TextGuard extends Transform {
  /** 1-based numbers of the lines that are not valid UTF-8. */
  readonly invalidLines = new Set<number>();
  private line = 1;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly label: { source: string; file: string },
    private readonly limits: Pick<ReadLimits, 'maxLineBytes' | 'maxRows'>,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
        this.add(chunk.subarray(start, nl));
        this.endLine();
        start = nl + 1;
      }
      if (start < chunk.length) this.add(chunk.subarray(start));
      cb(null, chunk);
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      if (this.pendingBytes > 0) this.endLine();
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  private add(part: Buffer): void {
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.limits.maxLineBytes) {
      throw new ReadLimitError(
        this.label.source,
        this.label.file,
        `line ${this.line} is longer than ${this.limits.maxLineBytes} bytes: its length`,
        this.limits.maxLineBytes,
        'READ_MAX_LINE_BYTES',
      );
    }
    if (part.length > 0) this.pending.push(part);
  }

  private endLine(): void {
    const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    if (!isUtf8(bytes)) {
      if (this.line === 1) {
        throw new ValidationError(
          `${this.label.source}: ${this.label.file}: the header (line 1) is not valid UTF-8; expected a UTF-8 text file`,
          this.label.source,
          { file: this.label.file, row: 1 },
        );
      }
      this.invalidLines.add(this.line);
    }
    this.pending = [];
    this.pendingBytes = 0;
    // Line 1 is the header: at most maxRows data lines follow.
    if (this.line > this.limits.maxRows + 1) {
      throw new ReadLimitError(
        this.label.source,
        this.label.file,
        `the number of rows (more than ${this.limits.maxRows})`,
        this.limits.maxRows,
        'READ_MAX_ROWS',
      );
    }
    this.line += 1;
  }
}

/** The reject of a row whose line is not valid UTF-8. */
export function invalidTextReject(source: string, file: string, line: number) {
  return {
    source,
    file,
    row: line,
    field: '(row)',
    expected: 'valid UTF-8 text',
    got: 'bytes that are not UTF-8',
    reason: 'not valid UTF-8',
  };
}
