/**
 * The byte-level filter in front of the OEWS data file's parser. `oe.data.0.Current` is ≈330 MB /
 * 5.7 M lines, most of them series the snapshot never uses (other industries; RSEs, jobs per
 * 1,000, location quotients). The filter reads whole lines through one reused buffer and passes on
 * only the header and the lines whose series id (fixed offsets at the start of the line) names a
 * wanted industry, datatype and occupation, so csv-parse never sees the rest. Each passed line's
 * number goes into a LineQueue for the rejects.
 */
import { open } from 'node:fs/promises';
import type { LineQueue } from './lineQueue.js';
import { OEWS_SOURCE } from './oewsFlatFileMeta.js';
import { seriesLineWanted } from './oewsSeriesId.js';
import { DEFAULT_READ_LIMITS, ReadLimitError } from './readLimits.js';

export const DATA_FILE = 'oe.data.0.Current';
const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;

/**
 * Splits the byte stream on `\n` and passes on the header plus the lines `seriesLineWanted` keeps,
 * recording each passed line's number. When `series_id` is not the header's first column the byte
 * offsets mean nothing, so every line passes (csv-parse and the reader then do all the work).
 */
export class SeriesLineFilter {
  lines = 0;
  private carry: Buffer | null = null;
  private header = true;
  private passAll = false;
  /** The line `wanted` just passed is a data line of the series_id-first layout (compacted). */
  private dataLine = false;

  constructor(
    private readonly keep: Uint8Array,
    private readonly queue: LineQueue,
    private readonly dropOccupation?: Uint8Array,
    /** READ_MAX_LINE_BYTES / READ_MAX_ROWS: a longer line or more lines fail the file at once. */
    private readonly limits: { file: string; maxLineBytes: number; maxRows: number } = {
      file: DATA_FILE,
      ...DEFAULT_READ_LIMITS,
    },
  ) {}

  private tooLong(): ReadLimitError {
    const { file, maxLineBytes } = this.limits;
    return new ReadLimitError(
      OEWS_SOURCE,
      file,
      `line ${this.lines + 1} is longer than ${maxLineBytes} bytes: its length`,
      maxLineBytes,
      'READ_MAX_LINE_BYTES',
    );
  }

  /** The wanted lines of `chunk` (compacted, in a new buffer), or null when there are none. */
  filterChunk(chunk: Buffer): Buffer | null {
    const out = this.filterChunkShared(chunk);
    return out ? Buffer.from(out) : null;
  }

  /**
   * Like `filterChunk`, but the result is a view of a buffer the next call overwrites: for a caller
   * that is done with it before then (`filteredChunks`). `chunk` is not kept either.
   */
  filterChunkShared(chunk: Buffer): Buffer | null {
    let pos = 0;
    let o = 0;
    const out = this.spare(chunk.length + (this.carry?.length ?? 0));
    if (this.carry) {
      // Finish the line split across chunks.
      const nl = chunk.indexOf(10);
      if (this.carry.length + (nl === -1 ? chunk.length : nl) > this.limits.maxLineBytes)
        throw this.tooLong();
      if (nl === -1) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return null;
      }
      const line = Buffer.concat([this.carry, chunk.subarray(0, nl + 1)]);
      this.carry = null;
      if (this.wanted(line, 0, line.length - 1)) o = this.copyLine(line, 0, line.length, out, o);
      pos = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      if (nl === -1) break;
      if (nl - pos > this.limits.maxLineBytes) throw this.tooLong();
      if (this.wanted(chunk, pos, nl)) o = this.copyLine(chunk, pos, nl + 1, out, o);
      pos = nl + 1;
    }
    if (this.lines > this.limits.maxRows + 1) {
      throw new ReadLimitError(
        OEWS_SOURCE,
        this.limits.file,
        `the number of lines (more than ${this.limits.maxRows})`,
        this.limits.maxRows,
        'READ_MAX_ROWS',
      );
    }
    // Copy the tail: the chunk is not ours to keep.
    if (chunk.length - pos > this.limits.maxLineBytes) throw this.tooLong();
    if (pos < chunk.length) this.carry = Buffer.from(chunk.subarray(pos));
    return o > 0 ? out.subarray(0, o) : null;
  }

  /** The last line when the input did not end with `\n`, if wanted (a view, like `filterChunkShared`). */
  filterRest(): Buffer | null {
    const line = this.carry;
    this.carry = null;
    if (!line || line.length === 0 || !this.wanted(line, 0, line.length)) return null;
    const out = this.spare(line.length);
    return out.subarray(0, this.copyLine(line, 0, line.length, out, 0));
  }

  private buffer = Buffer.alloc(0);

  /** A reusable output buffer of at least `size` bytes. */
  private spare(size: number): Buffer {
    if (this.buffer.length < size) this.buffer = Buffer.allocUnsafe(size);
    return this.buffer;
  }

  /**
   * Copy `src[start..end)` (a whole line, with its `\n` when it has one) to `out` at `o`; returns the
   * new end. Data lines lose the spaces that pad their cells (the series id is padded to 30, the
   * value to 12 characters): csv-parse trims every cell anyway (`trim: true`), so the records are
   * the same, and it has about a third fewer bytes to scan. Only spaces next to a tab or the line's
   * ends go; spaces inside a cell stay. The header and pass-all lines are copied as they are.
   */
  private copyLine(src: Buffer, start: number, end: number, out: Buffer, o: number): number {
    if (!this.dataLine) {
      src.copy(out, o, start, end);
      return o + (end - start);
    }
    let cellStart = true;
    let spaces = 0;
    for (let i = start; i < end; i++) {
      const b = src[i]!;
      if (b === SPACE) {
        if (!cellStart) spaces++;
      } else if (b === TAB || b === NEWLINE) {
        spaces = 0;
        out[o++] = b;
        cellStart = true;
      } else {
        for (; spaces > 0; spaces--) out[o++] = SPACE;
        out[o++] = b;
        cellStart = false;
      }
    }
    return o;
  }

  private wanted(buf: Buffer, start: number, end: number): boolean {
    this.lines++;
    let keep: boolean;
    this.dataLine = false;
    if (this.header) {
      // The header is the first non-blank line.
      if (buf.subarray(start, end).toString('latin1').trim() === '') return false;
      this.header = false;
      const first = buf
        .subarray(start, end)
        .toString('latin1')
        .split('\t')[0]
        ?.trim()
        .replace(/^\uFEFF|^ï»¿/, '');
      this.passAll = first !== 'series_id';
      keep = true;
    } else if (this.passAll) {
      keep = buf.subarray(start, end).toString('latin1').trim() !== '';
    } else {
      keep = seriesLineWanted(buf, start, end, this.keep, this.dropOccupation);
      this.dataLine = true;
    }
    if (keep) this.queue.push(this.lines);
    return keep;
  }
}

/**
 * Bytes per read. A chunk's records are all alive while it is handled, and at 1 MB (~4,500 parsed
 * records) enough of them outlived young-generation GCs to be promoted and grow the old heap.
 */
const READ_BYTES = 256 * 1024;

/**
 * The file's wanted lines, whole lines only, read through one reused buffer and written into
 * one reused output buffer: a stream would allocate a fresh buffer per read, and tens of MB of them
 * can be garbage outside the JS heap before a GC notices — more than the parser's whole working set,
 * and a different amount every run. Each yielded buffer is valid until the next iteration.
 */
export async function* filteredChunks(path: string, filter: SeriesLineFilter): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const out = filter.filterChunkShared(buffer.subarray(0, bytesRead));
      if (out) yield out;
    }
    const last = filter.filterRest();
    if (last) yield last;
  } finally {
    await handle.close();
  }
}
