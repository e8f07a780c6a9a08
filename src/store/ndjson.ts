/** NDJSON helpers that work on Buffers, so a large snapshot never becomes one giant string. */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** The non-empty lines of `buf`, as views into it (no copy). */
export function splitLines(buf: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(10, start);
    const end = nl === -1 ? buf.length : nl;
    if (end > start) lines.push(buf.subarray(start, end));
    if (nl === -1) break;
    start = nl + 1;
  }
  return lines;
}

export function parseLines<T>(buf: Buffer): T[] {
  return splitLines(buf).map((line) => JSON.parse(line.toString('utf8')) as T);
}

/**
 * The parsed lines of a file, read in 1 MB pieces (never the whole file at once) while its sha256 is
 * computed; after the last line, a digest other than `sha256` throws `mismatch()`. So a caller
 * must not act on what it read until the iteration has ended without an error.
 */
export async function* readVerifiedLines<T>(
  file: string,
  sha256: string,
  mismatch: (actual: string) => Error,
): AsyncGenerator<T> {
  const hash = createHash('sha256');
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    let carry: Buffer | null = null;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      hash.update(chunk);
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl === -1) break;
        const line: Buffer = carry
          ? Buffer.concat([carry, chunk.subarray(start, nl)])
          : chunk.subarray(start, nl);
        carry = null;
        if (line.length > 0) yield JSON.parse(line.toString('utf8')) as T;
        start = nl + 1;
      }
      // The rest of the piece (copied: the buffer is reused) begins the next line.
      if (start < chunk.length)
        carry = carry ? Buffer.concat([carry, chunk.subarray(start)]) : Buffer.from(chunk.subarray(start));
    }
    if (carry && carry.length > 0) yield JSON.parse(carry.toString('utf8')) as T;
  } finally {
    await handle.close();
  }
  const actual = hash.digest('hex');
  if (actual !== sha256) throw mismatch(actual);
}
