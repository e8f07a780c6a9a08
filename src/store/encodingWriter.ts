/**
 * Text written to a file through one reused buffer: each piece is encoded straight into it and the
 * buffer is written when full. Joining pieces into one string first would make strings of a piece's
 * size; past ~128 kB those go to V8's large-object space, which only a full GC frees, and a publish
 * writes ~100 MB of snapshot and diff text.
 */
import type { FileHandle } from 'node:fs/promises';

export class EncodingWriter {
  private readonly out: Buffer;
  private used = 0;

  /** `onBytes` sees every byte written, in order (a hash, a count). */
  constructor(
    private readonly handle: FileHandle,
    private readonly onBytes: (bytes: Buffer) => void = () => {},
    bufferBytes = 1 << 20,
  ) {
    this.out = Buffer.allocUnsafe(bufferBytes);
  }

  /**
   * Encode `text` into the buffer; a promise only when the buffer had to be written out first
   * (most pieces are small, and a snapshot has ~500 k of them: no await for those).
   */
  write(text: string): Promise<void> | undefined {
    // At most 3 bytes per UTF-16 unit: the cheap bound decides without encoding twice.
    const bound = text.length * 3;
    if (this.used + bound <= this.out.length) {
      this.used += this.out.write(text, this.used, 'utf8');
      return undefined;
    }
    return this.flush().then(() =>
      bound > this.out.length ? this.writeOut(Buffer.from(text, 'utf8')) : this.write(text),
    );
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    const used = this.used;
    this.used = 0;
    await this.writeOut(this.out.subarray(0, used));
  }

  private async writeOut(bytes: Buffer): Promise<void> {
    this.onBytes(bytes);
    let done = 0;
    while (done < bytes.length)
      done += (await this.handle.write(bytes, done, bytes.length - done)).bytesWritten;
  }
}
