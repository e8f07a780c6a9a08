/**
 * The read API (fastify): JSON over HTTP, read-only, straight from the snapshot store.
 * Versioned URLs are immutable and cached for a year; `latest`-based ones for seconds. Every
 * success carries an ETag and answers If-None-Match with 304. Ids and SOC codes are checked
 * against their patterns before anything is read, so a path such as `..%2F..%2Fetc` is a 400.
 */
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type Logger, silentLogger } from '../log.js';
import { SOC_PATTERN } from '../model/occupation.js';
import { InvalidSnapshotIdError } from '../store/errors.js';
import { isSnapshotId } from '../store/ids.js';
import { isSchemaName, jsonSchema } from '../store/schemas.js';
import type { SnapshotStore } from '../store/snapshotStore.js';
import { type AdminPluginOptions, adminPlugin } from './admin/plugin.js';
import { registerDocs } from './docs.js';
import { etagOf, matchingEtag } from './etag.js';
import { openApiDocument } from './openapi.js';
import { badRequest, notFound, PROBLEM_CONTENT_TYPE, toProblem } from './problem.js';
import {
  type CachedBody,
  type LoadedSnapshot,
  SnapshotCache,
  type SnapshotCacheOptions,
} from './snapshotCache.js';
import { JSON_PATCH_TYPE, snapshotPatchBody } from './snapshotPatch.js';
import { type AccessLogLevel, registerStandardHttp } from './standardHttp.js';

export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
export const CACHE_LATEST = 'public, max-age=30';
export const CACHE_REVALIDATE = 'no-cache';
export const SNAPSHOT_HEADER = 'x-careerdata-snapshot';

const JSON_TYPE = 'application/json; charset=utf-8';
const NDJSON_TYPE = 'application/x-ndjson; charset=utf-8';

export interface ApiOptions {
  store: SnapshotStore;
  log?: Logger;
  cache?: SnapshotCacheOptions;
  /** Operator routes (refreshes, bull-board, /metrics); see api/admin/plugin.ts. */
  admin?: AdminPluginOptions;
  /** Browser origins allowed to read (CORS_ORIGINS); none by default. Never applies to admin routes. */
  corsOrigins?: readonly string[];
  /** Level of the one-line-per-request access log (ACCESS_LOG_LEVEL). */
  accessLogLevel?: AccessLogLevel;
  /** Smallest body compressed with gzip/brotli, in bytes. */
  compressThreshold?: number;
  /** Public base URLs of the API (API_PUBLIC_URLS): the OpenAPI document's `servers`. */
  publicUrls?: readonly string[];
}

type Params = { id?: string; soc?: string; name?: string };
type Query = Record<string, string | string[] | undefined>;
type Req = FastifyRequest<{ Params: Params; Querystring: Query }>;

/** Small LRU for computed bodies (diffs between arbitrary snapshots). */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.set(key, v);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

function snapshotRef(raw: string | undefined): string {
  const v = raw ?? '';
  if (v === 'latest' || isSnapshotId(v)) return v;
  throw new InvalidSnapshotIdError(v);
}

function socParam(raw: string | undefined): string {
  const v = raw ?? '';
  if (SOC_PATTERN.test(v)) return v;
  throw badRequest('invalid-soc', `"${v.slice(0, 40)}" is not a SOC code (expected NN-NNNN, e.g. 29-2072)`);
}

function queryString(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw badRequest('invalid-query', `query parameter ${name} was given more than once`);
  return v;
}

function send(
  req: FastifyRequest,
  reply: FastifyReply,
  cached: CachedBody,
  cacheControl: string,
  extra?: Record<string, string>,
  contentType = JSON_TYPE,
): FastifyReply {
  reply.headers({ etag: cached.etag, 'cache-control': cacheControl, ...extra });
  const matched = matchingEtag(req.headers['if-none-match'], cached.etag);
  if (matched) return reply.header('etag', matched).code(304).send();
  return reply.type(contentType).send(cached.body);
}

function jsonBody(value: unknown): CachedBody {
  const body = Buffer.from(JSON.stringify(value));
  return { body, etag: etagOf(body) };
}

function wantsNdjson(req: Req): boolean {
  const accept = req.headers.accept ?? '';
  return (
    accept.includes('application/x-ndjson') ||
    accept.includes('application/ndjson') ||
    queryString(req.query, 'format') === 'ndjson'
  );
}

/** Stream record lines as NDJSON or as one JSON array, in ~64 KB chunks. */
function* chunks(lines: readonly Buffer[], ndjson: boolean): Generator<Buffer> {
  const newline = Buffer.from('\n');
  const comma = Buffer.from(',');
  let parts: Buffer[] = ndjson ? [] : [Buffer.from('[')];
  let size = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!ndjson && i > 0) parts.push(comma);
    parts.push(lines[i]!);
    if (ndjson) parts.push(newline);
    size += lines[i]!.length + 1;
    if (size >= 65_536) {
      yield Buffer.concat(parts);
      parts = [];
      size = 0;
    }
  }
  if (!ndjson) parts.push(Buffer.from(']'));
  if (parts.length > 0) yield Buffer.concat(parts);
}

export async function buildApi(opts: ApiOptions): Promise<FastifyInstance> {
  const log = opts.log ?? silentLogger;
  const store = opts.store;
  const cache = new SnapshotCache(store, opts.cache);
  const diffs = new Lru<CachedBody>(16);
  const schemaBodies = new Map<string, CachedBody>();
  const openApi = jsonBody(openApiDocument(opts.publicUrls ? { servers: opts.publicUrls } : {}));

  const app = Fastify({ logger: false, return503OnClosing: true });
  app.decorate('snapshotCache', cache);
  await registerStandardHttp(app, {
    log,
    snapshotHeader: SNAPSHOT_HEADER,
    ...(opts.corsOrigins ? { corsOrigins: opts.corsOrigins } : {}),
    ...(opts.accessLogLevel ? { accessLogLevel: opts.accessLogLevel } : {}),
    ...(opts.compressThreshold !== undefined ? { compressThreshold: opts.compressThreshold } : {}),
  });

  app.setErrorHandler((err, req, reply) => {
    const { problem, internal } = toProblem(err, req.url.slice(0, 200));
    if (internal) log.error({ err, url: req.url.slice(0, 200) }, 'API request failed');
    reply
      .code(problem.status)
      .header('cache-control', 'no-store')
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(problem));
  });
  app.setNotFoundHandler((req, reply) => {
    const problem = {
      type: 'urn:careerdata:problem:no-route',
      title: 'Not found',
      status: 404,
      detail: `no route ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}; see /v1/openapi.json`,
    };
    reply
      .code(404)
      .header('cache-control', 'no-store')
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(problem));
  });

  /** Resolve `latest` or an id to a loaded snapshot plus the cache policy its URL gets. */
  async function loadRef(
    ref: string,
  ): Promise<{ snap: LoadedSnapshot; cacheControl: string; headers: Record<string, string> }> {
    if (ref === 'latest') {
      const snap = await cache.getLatest();
      return {
        snap,
        cacheControl: CACHE_LATEST,
        headers: { [SNAPSHOT_HEADER]: snap.id, 'content-location': `/v1/snapshots/${snap.id}` },
      };
    }
    return { snap: await cache.get(ref), cacheControl: CACHE_IMMUTABLE, headers: { [SNAPSHOT_HEADER]: ref } };
  }

  const healthy = jsonBody({ status: 'ok' });
  app.get('/healthz', async (req: Req, reply) => send(req, reply, healthy, 'no-store'));

  app.get('/readyz', async (req: Req, reply) => {
    let snap: LoadedSnapshot;
    try {
      snap = await cache.getLatest();
    } catch (err) {
      const { problem } = toProblem(err, '/readyz');
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .type(PROBLEM_CONTENT_TYPE)
        .send(JSON.stringify({ ...problem, status: 503, title: 'Not ready' }));
    }
    return send(
      req,
      reply,
      jsonBody({ status: 'ready', snapshotId: snap.id, occupations: snap.records.size }),
      'no-store',
    );
  });

  app.get('/v1/openapi.json', async (req: Req, reply) => send(req, reply, openApi, 'public, max-age=3600'));
  registerDocs(app);

  app.get('/v1/schema/:name', async (req: Req, reply) => {
    const name = req.params.name ?? '';
    if (!isSchemaName(name)) {
      throw notFound(
        'unknown-schema',
        `no schema "${name.slice(0, 40)}"; known: occupation, manifest, diff, gate-report, quality-report`,
      );
    }
    let body = schemaBodies.get(name);
    if (!body) {
      body = jsonBody(jsonSchema(name));
      schemaBodies.set(name, body);
    }
    return send(req, reply, body, 'public, max-age=3600');
  });

  app.get('/v1/snapshots', async (req: Req, reply) => {
    const limitRaw = queryString(req.query, 'limit');
    const cursor = queryString(req.query, 'cursor');
    let limit = 20;
    if (limitRaw !== undefined) {
      if (!/^\d+$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 100) {
        throw badRequest(
          'invalid-query',
          `limit must be an integer from 1 to 100, got "${limitRaw.slice(0, 20)}"`,
        );
      }
      limit = Number(limitRaw);
    }
    if (cursor !== undefined && !isSnapshotId(cursor)) {
      throw badRequest('invalid-query', `cursor must be the nextCursor of a previous page (a snapshot id)`);
    }
    const page = await store.list({ limit: limit + 1, ...(cursor ? { before: cursor } : {}) });
    const items = page.slice(0, limit);
    const nextCursor = page.length > limit ? (items.at(-1)?.id ?? null) : null;
    return send(req, reply, jsonBody({ items, nextCursor }), CACHE_REVALIDATE);
  });

  app.get('/v1/snapshots/:id', async (req: Req, reply) => {
    const { snap, cacheControl, headers } = await loadRef(snapshotRef(req.params.id));
    return send(req, reply, snap.manifestBody, cacheControl, headers);
  });

  app.get('/v1/snapshots/:id/occupations', async (req: Req, reply) => {
    const { snap, cacheControl, headers } = await loadRef(snapshotRef(req.params.id));
    const ndjson = wantsNdjson(req);
    const fileSha = snap.manifest.files['occupations.ndjson']?.sha256 ?? snap.id;
    const etag = `"${fileSha.slice(0, 32)}-${ndjson ? 'ndjson' : 'json'}"`;
    reply.headers({ etag, 'cache-control': cacheControl, vary: 'accept', ...headers });
    const matched = matchingEtag(req.headers['if-none-match'], etag);
    if (matched) return reply.header('etag', matched).code(304).send();
    const n = snap.lines.length;
    const length = ndjson ? snap.bytes + n : snap.bytes + Math.max(0, n - 1) + 2;
    reply.header('content-length', String(length)).header('x-careerdata-count', String(n));
    reply.type(ndjson ? NDJSON_TYPE : JSON_TYPE);
    return reply.send(Readable.from(chunks(snap.lines, ndjson)));
  });

  app.get('/v1/snapshots/:id/occupations/:soc', async (req: Req, reply) => {
    const ref = snapshotRef(req.params.id);
    const soc = socParam(req.params.soc);
    const { snap, cacheControl, headers } = await loadRef(ref);
    const rec = snap.records.get(soc);
    if (!rec) throw notFound('occupation-not-found', `snapshot ${snap.id} has no occupation ${soc}`);
    return send(req, reply, rec, cacheControl, headers);
  });

  // The hot path: kept to a map lookup on a cached snapshot and a pre-serialised buffer.
  app.get('/v1/occupations/:soc', async (req: Req, reply) => {
    const soc = socParam(req.params.soc);
    const snap = await cache.getLatest();
    const rec = snap.records.get(soc);
    if (!rec)
      throw notFound('occupation-not-found', `the latest snapshot (${snap.id}) has no occupation ${soc}`);
    return send(req, reply, rec, CACHE_LATEST, { [SNAPSHOT_HEADER]: snap.id });
  });

  app.get('/v1/snapshots/:id/diff', async (req: Req, reply) => {
    const ref = snapshotRef(req.params.id);
    const fromRaw = queryString(req.query, 'from');
    const fromRef = fromRaw === undefined ? undefined : snapshotRef(fromRaw);
    const { snap, headers } = await loadRef(ref);
    const from = fromRef === 'latest' ? (await cache.getLatest()).id : fromRef;
    const immutable = ref !== 'latest' && fromRef !== 'latest';
    const asPatch = (req.headers.accept ?? '').includes(JSON_PATCH_TYPE);
    const key = `${asPatch ? 'patch:' : ''}${from ?? '(parent)'}..${snap.id}`;
    let body = diffs.get(key);
    if (!body) {
      const diff = from === undefined ? await store.storedDiff(snap.id) : await store.diff(from, snap.id);
      if (asPatch) {
        const buf = await snapshotPatchBody(diff, snap, store);
        body = { body: buf, etag: etagOf(buf) };
      } else {
        body = jsonBody(diff);
      }
      diffs.set(key, body);
    }
    const cacheControl = immutable ? CACHE_IMMUTABLE : CACHE_LATEST;
    const type = asPatch ? `${JSON_PATCH_TYPE}; charset=utf-8` : JSON_TYPE;
    return send(req, reply, body, cacheControl, { ...headers, vary: 'accept' }, type);
  });

  app.get('/v1/snapshots/:id/schema/:name', async (req: Req, reply) => {
    const ref = snapshotRef(req.params.id);
    const name = req.params.name;
    if (name !== 'occupation' && name !== 'manifest') {
      throw notFound(
        'unknown-schema',
        `snapshots store the occupation and manifest schemas, not "${String(name).slice(0, 40)}"`,
      );
    }
    const { snap, cacheControl, headers } = await loadRef(ref);
    const key = `schema:${snap.id}:${name}`;
    let body = diffs.get(key);
    if (!body) {
      const buf = await store.schemaFile(snap.id, name);
      body = { body: buf, etag: etagOf(buf) };
      diffs.set(key, body);
    }
    return send(req, reply, body, cacheControl, headers);
  });

  if (opts.admin) await app.register(adminPlugin, opts.admin);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The API's snapshot cache (call `invalidateLatest()` after a publish in the same process). */
    snapshotCache: SnapshotCache;
  }
}

export interface RunningApi {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Build and listen (HOST/PORT from config; port 0 picks a free one). */
export async function startApi(opts: ApiOptions & { host: string; port: number }): Promise<RunningApi> {
  const app = await buildApi(opts);
  const address = await app.listen({ host: opts.host, port: opts.port });
  (opts.log ?? silentLogger).info({ address }, 'read API listening');
  return { app, url: address, close: () => app.close() };
}
