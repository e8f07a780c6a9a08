/**
 * Lines parked on disk while a publish streams the latest snapshot: the changed occupations of the
 * diff (a night that adds a source changes every record, ~50 MB of patches) are written here as they
 * are found and read back, in order, when diff.json is written. The file's name starts with the
 * store's temp prefix, so one left by a killed publish is removed under the next lock.
 */
import { open, rm } from 'node:fs/promises';
import { EncodingWriter } from './encodingWriter.js';
import { filePieces, textLines } from './ndjson.js';

/** Lines go out through an EncodingWriter and come back through textLines: never as a whole piece's string. */
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
    yield* textLines(filePieces(this.handle, 0));
  }

  /** Close and delete the file (every exit path of the publish). */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => {});
    await rm(this.file, { force: true });
  }
}
