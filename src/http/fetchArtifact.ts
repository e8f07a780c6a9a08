/**
 * Fetch one upstream file into the raw cache: a conditional GET for http(s) (If-None-Match /
 * If-Modified-Since from the last fetch, so an unchanged file costs a 304), a size+mtime check for
 * file://. The body is checked against what the caller expects BEFORE it becomes the URL's current
 * content, so an HTML error page never replaces a good file.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { PermanentError, UnexpectedContentError } from '../errors.js';
import type { Logger } from '../log.js';
import { BodyMeter } from './bodyMeter.js';
import { contentProblem, type ExpectedContent, HEAD_BYTES, preview } from './contentCheck.js';
import type { HttpClient } from './httpClient.js';
import type { ArtifactRecord, RawArtifact } from './rawArtifact.js';
import type { CacheIndexEntry, RawCache } from './rawCache.js';

export interface FetchArtifactDeps {
  http: HttpClient;
  cache: RawCache;
  log: Logger;
  now?: () => Date;
}

export interface ArtifactRequest {
  source: string;
  name: string;
  url: string;
  expect: ExpectedContent;
  /** Ignore the cached validators and fetch the whole body again. */
  force?: boolean;
  /** Progress display: bytes received so far and the declared length, when known. */
  onBytes?: (bytes: number, total: number | undefined) => void;
}

interface Ctx {
  deps: FetchArtifactDeps;
  req: ArtifactRequest;
  /** The URL with every known secret masked: the only form that reaches messages, logs and the index. */
  safeUrl: string;
  now: () => Date;
}

export async function fetchArtifact(deps: FetchArtifactDeps, req: ArtifactRequest): Promise<RawArtifact> {
  const safeUrl = deps.cache.scrub(deps.http.scrub(req.url));
  const ctx: Ctx = { deps, req, safeUrl, now: deps.now ?? (() => new Date()) };
  if (!URL.canParse(req.url)) {
    throw new PermanentError(
      `${req.source} ${req.name}: invalid URL "${safeUrl}"; expected http(s):// or file://`,
    );
  }
  return new URL(req.url).protocol === 'file:' ? fetchFile(ctx) : fetchHttp(ctx);
}

async function fetchHttp(ctx: Ctx): Promise<RawArtifact> {
  const { deps, req, safeUrl } = ctx;
  const prior = await usablePrior(ctx);
  const headers: Record<string, string> = {};
  if (prior?.etag) headers['if-none-match'] = prior.etag;
  if (prior?.lastModified) headers['if-modified-since'] = prior.lastModified;

  const temp = await deps.cache.tempPath();
  try {
    const res = await deps.http.download(req.url, temp, {
      headers,
      ...(req.onBytes ? { onBytes: req.onBytes } : {}),
    });
    if (res.status === 304) {
      if (!prior)
        throw new UnexpectedContentError(
          `${req.source} ${req.name}: ${safeUrl} answered 304 to an unconditional request`,
          safeUrl,
        );
      const entry = await deps.cache.record(safeUrl, {
        ...prior,
        etag: res.headers.etag ?? prior.etag,
        lastModified: res.headers['last-modified'] ?? prior.lastModified,
        fetchedAt: ctx.now().toISOString(),
      });
      return finish(ctx, entry, true);
    }
    const contentType = res.headers['content-type'] ?? null;
    await verifyContent(ctx, temp, contentType);
    await deps.cache.adopt(temp, res.sha256!);
    const entry = await deps.cache.record(safeUrl, {
      etag: res.headers.etag ?? null,
      lastModified: res.headers['last-modified'] ?? null,
      sha256: res.sha256!,
      bytes: res.bytes!,
      contentType,
      fetchedAt: ctx.now().toISOString(),
    });
    return finish(ctx, entry, false);
  } finally {
    await rm(temp, { force: true });
  }
}

async function fetchFile(ctx: Ctx): Promise<RawArtifact> {
  const { deps, req, safeUrl } = ctx;
  const file = fileURLToPath(req.url);
  const st = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new PermanentError(
      `${req.source} ${req.name}: cannot read ${safeUrl} (${err.code ?? err.message}); expected a readable file there`,
    );
  });
  if (!st.isFile()) throw new PermanentError(`${req.source} ${req.name}: ${safeUrl} is not a regular file`);

  const prior = await usablePrior(ctx);
  if (prior && prior.size === st.size && prior.mtimeMs === st.mtimeMs) {
    const entry = await deps.cache.record(safeUrl, { ...prior, fetchedAt: ctx.now().toISOString() });
    return finish(ctx, entry, true);
  }

  const temp = await deps.cache.tempPath();
  try {
    const meter = new BodyMeter(Number.MAX_SAFE_INTEGER, undefined);
    await pipeline(createReadStream(file), meter, createWriteStream(temp));
    await verifyContent(ctx, temp, null);
    const sha256 = meter.digest();
    await deps.cache.adopt(temp, sha256);
    const entry = await deps.cache.record(safeUrl, {
      etag: null,
      lastModified: st.mtime.toUTCString(),
      sha256,
      bytes: meter.bytes,
      contentType: null,
      fetchedAt: ctx.now().toISOString(),
      size: st.size,
      mtimeMs: st.mtimeMs,
    });
    return finish(ctx, entry, false);
  } finally {
    await rm(temp, { force: true });
  }
}

/** The index entry for this URL when its blob is still intact (and the caller did not force a refetch). */
async function usablePrior(ctx: Ctx): Promise<CacheIndexEntry | undefined> {
  if (ctx.req.force) return undefined;
  const prior = await ctx.deps.cache.lookup(ctx.safeUrl);
  return prior && (await ctx.deps.cache.has(prior.sha256, prior.bytes)) ? prior : undefined;
}

/** Throws UnexpectedContentError when the downloaded bytes are not what `expect` says. */
async function verifyContent(ctx: Ctx, file: string, contentType: string | null): Promise<void> {
  const { req, safeUrl } = ctx;
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  let problem = contentProblem(head, req.expect);
  if (!problem && req.expect === 'json') {
    try {
      JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      problem = `it is not valid JSON (${err instanceof Error ? err.message : String(err)})`;
    }
  }
  if (problem) {
    throw new UnexpectedContentError(
      `${req.source} ${req.name}: expected ${req.expect} from ${safeUrl} but ${problem} ` +
        `(content-type ${contentType ?? 'none'}; starts with "${ctx.deps.cache.scrub(ctx.deps.http.scrub(preview(head)))}")`,
      safeUrl,
    );
  }
}

function finish(ctx: Ctx, entry: CacheIndexEntry, notModified: boolean): RawArtifact {
  const { req, deps } = ctx;
  const artifact: RawArtifact = {
    source: req.source,
    name: req.name,
    url: entry.url,
    sha256: entry.sha256,
    bytes: entry.bytes,
    path: deps.cache.blobPath(entry.sha256),
    contentType: entry.contentType,
    etag: entry.etag,
    lastModified: entry.lastModified,
    fetchedAt: entry.fetchedAt,
    notModified,
  };
  deps.log.info(
    {
      source: req.source,
      name: req.name,
      url: entry.url,
      sha256: entry.sha256,
      bytes: entry.bytes,
      notModified,
    },
    notModified ? 'artifact unchanged' : 'artifact fetched',
  );
  return artifact;
}

/** What the manifest records for one source file. */
export function artifactRecord(a: RawArtifact, downloadedBytes: number): ArtifactRecord {
  const record: ArtifactRecord = {
    source: a.source,
    name: a.name,
    url: a.url,
    sha256: a.sha256,
    bytes: a.bytes,
    contentType: a.contentType,
    etag: a.etag,
    lastModified: a.lastModified,
    fetchedAt: a.fetchedAt,
    downloadedBytes,
  };
  if (a.release !== undefined) record.release = a.release;
  if (a.license !== undefined) record.license = a.license;
  if (a.attribution !== undefined) record.attribution = a.attribution;
  return record;
}
