/**
 * Lines parked on disk while a publish streams the latest snapshot: the changed occupations of the
 * diff (a night that adds a source changes every record, ~50 MB of patches) are written here as they
 * are found and read back, in order, when diff.json is written. The file's name starts with the
 * store's temp prefix, so one left by a killed publish is removed under the next lock.
 */
import { open, rm } from 'node:fs/promises';

export class LineSpool {
  private pending: string[] = [];
  private pendingChars = 0;
  private count = 0;

  private constructor(
    readonly file: string,
    private readonly handle: import('node:fs/promises').FileHandle,
  ) {}

  static async create(file: string): Promise<LineSpool> {
    return new LineSpool(file, await open(file, 'wx+'));
  }

  get length(): number {
    return this.count;
  }

  /** One line (no newline inside: JSON text); written in ~1 MB pieces. */
  async add(line: string): Promise<void> {
    this.pending.push(line, '\n');
    this.pendingChars += line.length + 1;
    this.count += 1;
    if (this.pendingChars >= 1 << 20) await this.flush();
  }

  /** The lines in the order they were added, read in 1 MB pieces. */
  async *lines(): AsyncGenerator<string> {
    await this.flush();
    const buffer = Buffer.allocUnsafe(1 << 20);
    let position = 0;
    // Bytes of a line longer than a piece: decoded only once whole (a piece may end mid-character).
    let carry: Buffer[] = [];
    for (;;) {
      const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      const lastNl = buffer.lastIndexOf(10, bytesRead - 1);
      if (lastNl === -1) {
        carry.push(Buffer.from(buffer.subarray(0, bytesRead)));
        position += bytesRead;
        continue;
      }
      const text = Buffer.concat([...carry, buffer.subarray(0, lastNl)]).toString('utf8');
      carry = [];
      for (const line of text.split('\n')) if (line !== '') yield line;
      position += lastNl + 1;
    }
    if (carry.length > 0) yield Buffer.concat(carry).toString('utf8');
  }

  /** Close and delete the file (every exit path of the publish). */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => {});
    await rm(this.file, { force: true });
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const buf = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    await this.handle.write(buf);
  }
}
