/**
 * Reads a response body through a meter that counts, hashes and enforces the size limit, so the
 * buffered and the streaming paths of the client share one definition of "too big" and "truncated".
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export class BodyTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly declared: number | undefined,
  ) {
    super(
      declared !== undefined && declared > limit
        ? `Content-Length ${declared} exceeds the limit of ${limit} bytes`
        : `body exceeds the limit of ${limit} bytes`,
    );
    this.name = 'BodyTooLargeError';
  }
}

/** Pass-through stream that counts and hashes bytes and fails once more than `limit` bytes arrive. */
export class BodyMeter extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  constructor(
    private readonly limit: number,
    private readonly declared: number | undefined,
    /** Progress display: bytes received so far. */
    private readonly onBytes?: (bytes: number) => void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    if (this.bytes > this.limit) {
      done(new BodyTooLargeError(this.limit, this.declared));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Content-Length as a number, or undefined when absent or not a plain integer. */
export function declaredLength(headers: Record<string, string>): number | undefined {
  const v = headers['content-length'];
  return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : undefined;
}
