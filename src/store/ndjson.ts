/** NDJSON helpers that work on Buffers, so a large snapshot never becomes one giant string. */

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

/** The lines of `buf` parsed one at a time, as the iterable is read: one record alive at a time. */
export function* lazyLines<T>(buf: Buffer): Generator<T> {
  for (const line of splitLines(buf)) yield JSON.parse(line.toString('utf8')) as T;
}
