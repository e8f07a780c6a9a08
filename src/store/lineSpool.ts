/**
 * Lines parked on disk while a publish streams the latest snapshot: the changed occupations of the
 * diff (a night that adds a source changes every record, ~50 MB of patches) are written here as they
 * are found and read back, in order, when diff.json is written. The file's name starts with the
 * store's temp prefix, so one left by a killed publish is removed under the next lock.
 */
import { open, rm } from 'node:fs/promises';
import { EncodingWriter } from './encodingWriter.js';

const PIECE_BYTES = 1 << 20;

/**
 * Lines are encoded straight into a reused buffer (EncodingWriter) and decoded one at a time: no
 * string of a whole piece is ever made. Strings that large go to V8's large-object space, which only
 * a full GC frees, and a publish over a different snapshot spools ~40 MB.
 */
export class LineSpool {
  private readonly writer: EncodingWriter;
  private count = 0;

  private constructor(
    readonly file: string,
    private readonly handle: import('node:fs/promises').FileHandle,
  ) {
    this.writer = new EncodingWriter(handle);
  }

  static async create(file: string): Promise<LineSpool> {
    return new LineSpool(file, await open(file, 'wx+'));
  }

  get length(): number {
    return this.count;
  }

  /** One line (no newline inside: JSON text); written in ~1 MB pieces. */
  async add(line: string): Promise<void> {
    this.count += 1;
    await this.writer.write(line);
    await this.writer.write('\n');
  }

  /** The lines in the order they were added, read in 1 MB pieces. */
  async *lines(): AsyncGenerator<string> {
    await this.writer.flush();
    const buffer = Buffer.allocUnsafe(PIECE_BYTES);
    let position = 0;
    // Bytes of a line that runs past a piece: decoded only once whole (a piece may end mid-character).
    let carry: Buffer[] = [];
    for (;;) {
      const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const piece = buffer.subarray(0, bytesRead);
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
      // The reused buffer is overwritten by the next read: keep a copy of the unfinished line.
      if (start < bytesRead) carry.push(Buffer.from(piece.subarray(start)));
    }
    if (carry.length > 0) {
      const line = Buffer.concat(carry).toString('utf8');
      if (line !== '') yield line;
    }
  }

  /** Close and delete the file (every exit path of the publish). */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => {});
    await rm(this.file, { force: true });
  }
}
