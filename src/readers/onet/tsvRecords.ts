/**
 * Unquoted tab-separated text (O*NET's files) from a stream, as batches of records: the bytes are
 * gathered into ~256 KB of whole lines and parsed with csv-parse's synchronous API, which is several
 * times faster than its stream (one async step per record). Only one batch and the partial line after
 * it are held. Line ends may be CRLF, LF or a lone CR; each record is one line, so records are
 * numbered by counting them (empty lines come through as `['']`).
 */
import type { Readable } from 'node:stream';
import { type Options, parse } from 'csv-parse/sync';

const BATCH_BYTES = 256 * 1024;
const LF = 0x0a;
const CR = 0x0d;

const OPTIONS: Options = {
  delimiter: '\t',
  // O*NET does not quote: a `"` is part of the text (`12" ruler`).
  quote: false,
  record_delimiter: ['\r\n', '\n', '\r'],
  relax_column_count: true,
};

/** End of the last whole line in `buf`: after its last LF, or after a CR that is not the last byte. */
function wholeLinesEnd(buf: Buffer): number {
  for (let i = buf.length - 1; i >= 0; i--) {
    if (buf[i] === LF) return i + 1;
    if (buf[i] === CR && i < buf.length - 1) return i + 1;
  }
  return 0;
}

/**
 * `onTooLong` is called (and must throw) when a line grows past `maxLineBytes` without ending, so a
 * file without line ends is refused instead of gathered whole.
 */
export async function* tsvRecordBatches(
  stream: Readable,
  opts: { maxLineBytes: number; onTooLong: () => never } = {
    maxLineBytes: Number.POSITIVE_INFINITY,
    onTooLong: () => {
      throw new Error('line too long');
    },
  },
): AsyncGenerator<string[][]> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let first = true;
  const parseText = (buf: Buffer): string[][] => {
    const records = parse(buf, { ...OPTIONS, bom: first }) as string[][];
    first = false;
    return records;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes < BATCH_BYTES) continue;
    const buf = Buffer.concat(pending, pendingBytes);
    const end = wholeLinesEnd(buf);
    if (end === 0) {
      // One very long line so far: keep gathering, up to the limit.
      if (pendingBytes > opts.maxLineBytes) opts.onTooLong();
      continue;
    }
    const rest = buf.subarray(end);
    if (rest.length > opts.maxLineBytes) opts.onTooLong();
    pending = rest.length > 0 ? [Buffer.from(rest)] : [];
    pendingBytes = rest.length;
    yield parseText(buf.subarray(0, end));
  }
  if (pendingBytes > 0) yield parseText(Buffer.concat(pending, pendingBytes));
}
