/**
 * Content-addressed store of raw upstream bytes under CACHE_DIR:
 *   blobs/<sha256>              immutable raw bytes (read-only once written)
 *   index/<sha256(url)>.json    what we last knew about a URL: validators, sha256, size, fetch time
 *   tmp/                        downloads in progress (same filesystem, so adoption is a rename)
 * Every write is a temp file + rename, so a crash never leaves a half-written blob or index entry.
 * URLs are scrubbed of secrets before they are hashed or stored.
 */
import { createHash, randomUUID } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { scrub } from '../log.js';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex sha256');

export const CacheIndexEntry = z.object({
  /** The URL, scrubbed of secrets. */
  url: z.string(),
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
  sha256: Sha256,
  bytes: z.number().int().nonnegative(),
  contentType: z.string().nullable(),
  /** ISO time the bytes were last confirmed current. */
  fetchedAt: z.string(),
  /** file:// only: the source file's size and mtime when it was hashed (the "unchanged" check). */
  size: z.number().int().nonnegative().optional(),
  mtimeMs: z.number().optional(),
});
export type CacheIndexEntry = z.infer<typeof CacheIndexEntry>;

export class RawCache {
  readonly dir: string;
  private readonly secrets: string[];

  constructor(dir: string, opts: { secrets?: string[] } = {}) {
    this.dir = path.resolve(dir);
    this.secrets = (opts.secrets ?? []).filter((s) => s.length > 0);
  }

  scrub(text: string): string {
    return scrub(text, this.secrets);
  }

  blobPath(sha: string): string {
    Sha256.parse(sha);
    return path.join(this.dir, 'blobs', sha);
  }

  /** True when the blob exists (and, if `bytes` is given, has that size: a damaged blob counts as absent). */
  async has(sha: string, bytes?: number): Promise<boolean> {
    try {
      const st = await stat(this.blobPath(sha));
      return st.isFile() && (bytes === undefined || st.size === bytes);
    } catch {
      return false;
    }
  }

  indexPath(url: string): string {
    const key = createHash('sha256').update(this.scrub(url)).digest('hex');
    return path.join(this.dir, 'index', `${key}.json`);
  }

  /** What the cache knows about this URL; undefined when nothing (or an unreadable entry, which is refetched). */
  async lookup(url: string): Promise<CacheIndexEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.indexPath(url), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = CacheIndexEntry.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** Write (replace) the index entry for this URL; the stored URL is scrubbed. */
  async record(url: string, entry: Omit<CacheIndexEntry, 'url'>): Promise<CacheIndexEntry> {
    const full = CacheIndexEntry.parse({ ...entry, url: this.scrub(url) });
    await writeFileAtomic(this.indexPath(url), `${JSON.stringify(full, null, 2)}\n`);
    return full;
  }

  /** A fresh path inside CACHE_DIR/tmp for a download in progress. */
  async tempPath(): Promise<string> {
    const dir = path.join(this.dir, 'tmp');
    await mkdir(dir, { recursive: true });
    return path.join(dir, `${randomUUID()}.part`);
  }

  /**
   * Remove `.part` files left behind by killed downloads. Only files older than `maxAgeMs`, so a
   * download still in progress in another process is never touched.
   */
  async cleanStaleTemp(maxAgeMs = 86_400_000, now = Date.now()): Promise<string[]> {
    const dir = path.join(this.dir, 'tmp');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names) {
      if (!name.endsWith('.part')) continue;
      const file = path.join(dir, name);
      const info = await stat(file).catch(() => null);
      if (info && now - info.mtimeMs > maxAgeMs) {
        await rm(file, { force: true });
        removed.push(name);
      }
    }
    return removed;
  }

  /** Move a finished temp file to `blobs/<sha>` (or drop it when that blob already exists intact); returns the blob path. */
  async adopt(tempFile: string, sha: string): Promise<string> {
    const dest = this.blobPath(sha);
    if (await this.has(sha, (await stat(tempFile)).size)) {
      await rm(tempFile, { force: true });
      return dest;
    }
    await mkdir(path.dirname(dest), { recursive: true });
    await chmod(tempFile, 0o444);
    await rename(tempFile, dest);
    return dest;
  }
}

/** Temp file + rename in the same directory: readers see the old or the new content, never a mix. */
export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
