/** Strong ETags and If-None-Match matching. */
import { createHash } from 'node:crypto';

export function etagOf(data: string | Uint8Array): string {
  return `"${createHash('sha256').update(data).digest('base64url').slice(0, 27)}"`;
}

/** `"abc-gzip"` and `"abc-br"` name encodings of the representation `"abc"` (see standardHttp.ts). */
const withoutEncoding = (tag: string) => tag.replace(/-(?:gzip|br|deflate)"$/, '"');

/**
 * The entity-tag of `ifNoneMatch` (`"a"`, `W/"a", "b"`, `*`) that matches `etag` (weak comparison,
 * RFC 9110 §13.1.2, any content-coding of it too), or undefined. A 304 repeats it, so a client that
 * holds the gzip representation is told about the gzip representation.
 */
export function matchingEtag(ifNoneMatch: string | undefined, etag: string): string | undefined {
  if (ifNoneMatch === undefined) return undefined;
  if (ifNoneMatch === etag) return etag;
  for (const raw of ifNoneMatch.split(',')) {
    const tag = raw.trim();
    if (tag === '*') return etag;
    const strong = tag.startsWith('W/') ? tag.slice(2) : tag;
    if (withoutEncoding(strong) === etag) return strong;
  }
  return undefined;
}

/** True when `ifNoneMatch` matches `etag`. @public (unused since i17; knip: review) */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  return matchingEtag(ifNoneMatch, etag) !== undefined;
}
