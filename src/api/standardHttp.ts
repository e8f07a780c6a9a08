/**
 * What every consumer's HTTP tooling expects of the API: gzip/brotli (@fastify/compress) with an
 * ETag per representation, CORS for the read API only (@fastify/cors), and one access-log line
 * per request. Registered before any route, because both plugins attach to routes as they are added.
 */
import { Transform } from 'node:stream';
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import type { Logger } from '../log.js';

/** Bodies smaller than this go out as they are: compressing them costs more than it saves. */
export const DEFAULT_COMPRESS_THRESHOLD = 1024;

export type AccessLogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface StandardHttpOptions {
  log: Logger;
  /** Allowed browser origins of the read API (`*` for any); empty: no CORS headers at all. */
  corsOrigins?: readonly string[];
  accessLogLevel?: AccessLogLevel;
  compressThreshold?: number;
  /** Response header naming the snapshot a response came from (logged with the request). */
  snapshotHeader: string;
}

/**
 * Paths of the read API: the only ones CORS applies to. An allowlist, so an operator route added
 * later (under /admin, /metrics, /v1/refreshes or anywhere else) is never opened to browsers.
 */
export const READ_API_PATH =
  /^\/(?:v1\/(?:snapshots|occupations|schema)(?:\/|$|\?)|v1\/openapi\.json(?:$|\?)|healthz(?:$|\?)|readyz(?:$|\?)|docs(?:\/|$|\?))/;

/** JSON and its kin (NDJSON, problem+json, json-patch+json), text, and the docs page's scripts and styles. */
const COMPRESSIBLE = /^text\/|^application\/(?:[\w.-]+\+)?(?:x-)?(?:nd)?json(?:;|$)|javascript|^text\/css/;

const ENCODING_SUFFIX = /-(?:gzip|br|deflate)"$/;

/**
 * The ETag of an encoded representation: `"abc"` sent as gzip becomes `"abc-gzip"`, since a strong
 * ETag names exact bytes (RFC 9110 §8.8.3). If-None-Match matching ignores the suffix (etag.ts).
 */
export function encodedEtag(etag: string, encoding: string): string {
  if (!etag.endsWith('"') || ENCODING_SUFFIX.test(etag)) return etag;
  return `${etag.slice(0, -1)}-${encoding}"`;
}

/** `"abc-gzip"` → `"abc"`. @public (unused since i17; knip: review) */
export function identityEtag(etag: string): string {
  return etag.replace(ENCODING_SUFFIX, '"');
}

const BYTES = Symbol('careerdata.bodyBytes');
type Counted = FastifyRequest & { [BYTES]?: number };

function headerText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function addVary(reply: FastifyReply, field: string): void {
  const current = headerText(reply.getHeader('vary'));
  if (!current) return void reply.header('vary', field);
  const fields = current.split(',').map((s) => s.trim().toLowerCase());
  if (!fields.includes(field) && !fields.includes('*')) reply.header('vary', `${current}, ${field}`);
}

/**
 * Runs after compression on each route: renames the ETag of an encoded body, says the response
 * varies by Accept-Encoding (also on a 304, as the 200 would), and counts the body bytes sent.
 */
const afterCompression: onSendHookHandler = (req, reply, payload, done) => {
  const encoding = headerText(reply.getHeader('content-encoding'));
  const etag = headerText(reply.getHeader('etag'));
  if (encoding && encoding !== 'identity' && etag) reply.header('etag', encodedEtag(etag, encoding));
  if (reply.statusCode === 200 || reply.statusCode === 304) addVary(reply, 'accept-encoding');
  const counted = req as Counted;
  if (payload === null || payload === undefined || req.method === 'HEAD') {
    counted[BYTES] = 0;
    return done(null, payload);
  }
  if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
    counted[BYTES] = Buffer.byteLength(payload);
    return done(null, payload);
  }
  if (typeof (payload as NodeJS.ReadableStream).pipe === 'function') {
    counted[BYTES] = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, next) {
        counted[BYTES] = (counted[BYTES] ?? 0) + chunk.length;
        next(null, chunk);
      },
    });
    const source = payload as NodeJS.ReadableStream & { destroy?: (err?: Error) => void };
    source.on('error', (err: Error) => counter.destroy(err));
    counter.on('close', () => source.destroy?.());
    source.pipe(counter);
    return done(null, counter);
  }
  return done(null, payload);
};

export async function registerStandardHttp(app: FastifyInstance, opts: StandardHttpOptions): Promise<void> {
  await app.register(compress, {
    global: true,
    encodings: ['br', 'gzip'],
    threshold: opts.compressThreshold ?? DEFAULT_COMPRESS_THRESHOLD,
    customTypes: COMPRESSIBLE,
  });
  // After compress's own onRoute hook, so this onSend runs after the body is encoded.
  app.addHook('onRoute', (route) => {
    const existing = route.onSend;
    const list = Array.isArray(existing) ? existing : existing ? [existing] : [];
    route.onSend = [...list, afterCompression];
  });

  const origins = opts.corsOrigins ?? [];
  if (origins.length > 0) {
    const allowed = origins.includes('*') ? '*' : [...origins];
    await app.register(cors, {
      delegator: (req, callback) => {
        const read = READ_API_PATH.test(req.url ?? '');
        callback(null, {
          origin: read ? allowed : false,
          methods: ['GET', 'HEAD'],
          allowedHeaders: ['Accept', 'Accept-Encoding', 'If-None-Match', 'Content-Type'],
          exposedHeaders: ['ETag', 'X-Careerdata-Snapshot', 'X-Careerdata-Count', 'Content-Location'],
          credentials: false,
          maxAge: 600,
          strictPreflight: true,
        });
      },
    });
  }

  const level = opts.accessLogLevel ?? 'info';
  // Decided once: a level the logger drops costs nothing per request (the read API's hot path).
  if (level !== 'silent' && opts.log.isLevelEnabled(level)) {
    app.addHook('onResponse', async (req, reply) => {
      opts.log[level](
        {
          method: req.method,
          route: req.routeOptions.url ?? null,
          status: reply.statusCode,
          bytes: (req as Counted)[BYTES] ?? 0,
          durationMs: Math.round(reply.elapsedTime * 10) / 10,
          snapshotId: headerText(reply.getHeader(opts.snapshotHeader)) ?? null,
        },
        'request',
      );
    });
  }
}
