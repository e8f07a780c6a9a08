/** NDJSON helpers that work on Buffers, so a large snapshot never becomes one giant string. */
import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';

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
 * A file's bytes in pieces read into one reused 1 MB buffer (a read stream allocates a new buffer
 * per read, garbage until the next GC). Each piece is valid only until the next one is asked for.
 * `position` null reads from the handle's current offset.
 */
export async function* filePieces(
  handle: FileHandle,
  position: number | null = null,
): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafe(1 << 20);
  let at = position;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
    if (bytesRead === 0) return;
    if (at !== null) at += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

/**
 * The non-empty lines of a run of pieces, each decoded on its own: never a string of a whole piece
 * (strings over ~128 kB go to V8's large-object space, freed only by a full GC). A line may span
 * pieces, and a piece may end mid-character: such a line is decoded once whole.
 */
export async function* textLines(pieces: AsyncIterable<Buffer>): AsyncGenerator<string> {
  let carry: Buffer[] = [];
  for await (const piece of pieces) {
    let start = 0;
    for (let nl = piece.indexOf(10); nl !== -1; nl = piece.indexOf(10, start)) {
      const line =
        carry.length > 0
          ? Buffer.concat([...carry, piece.subarray(start, nl)]).toString('utf8')
          : piece.toString('utf8', start, nl);
      carry = [];
      if (line !== '') yield line;
      start = nl + 1;
    }
    // The piece's buffer is reused for the next one: keep a copy of the unfinished line.
    if (start < piece.length) carry.push(Buffer.from(piece.subarray(start)));
  }
  if (carry.length > 0) {
    const line = Buffer.concat(carry).toString('utf8');
    if (line !== '') yield line;
  }
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
    async function* hashed() {
      for await (const piece of filePieces(handle)) {
        hash.update(piece);
        yield piece;
      }
    }
    for await (const line of textLines(hashed())) yield JSON.parse(line) as T;
  } finally {
    await handle.close();
  }
  const actual = hash.digest('hex');
  if (actual !== sha256) throw mismatch(actual);
}
