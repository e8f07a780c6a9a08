/**
 * A small local HTTP server for `careerdata refresh --offline` and for tests: serves the files under
 * `root` with validators (ETag / Last-Modified, answering 304), lets other modules plug in routes
 * (the CareerOneStop fixture API), and injects faults (status codes, hangs, truncated bodies, HTML
 * error pages, delays) so the client's failure handling is tested against a real socket.
 * Binds to loopback only.
 */
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface FixtureRoute {
  /** When set, only this method matches (HEAD also matches a GET route). */
  method?: string;
  /** Matched against the URL's pathname: equality for a string, `exec` for a RegExp. */
  path: string | RegExp;
  handler: (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray | null) => void | Promise<void>;
}

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'hang' }
  | { kind: 'truncate'; bytes: number }
  | { kind: 'html200' }
  | { kind: 'delay'; ms: number }
  | { kind: 'body'; body: Buffer | string; contentType?: string };

export interface FixtureRequestLog {
  method: string;
  /** Pathname plus query, as requested. */
  path: string;
  /** Status sent (0 while unanswered, e.g. a hang). */
  status: number;
  /** Request headers. */
  headers: Record<string, string | string[] | undefined>;
  /** Response body bytes written. */
  bodyBytes: number;
}

export interface FixtureServer {
  url: string;
  requests: FixtureRequestLog[];
  /** Queue faults for requests whose path matches; each fault is used once (`times` to repeat). */
  inject(path: string | RegExp, fault: Fault, times?: number): void;
  clearFaults(): void;
  addRoute(route: FixtureRoute): void;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.zip': 'application/zip',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv',
};

export const HTML_ERROR_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Access Denied</title></head>' +
  "<body><h1>Access Denied</h1><p>You don't have permission to access this resource.</p></body></html>\n";

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

interface QueuedFault {
  path: string | RegExp;
  fault: Fault;
  remaining: number;
}

function pathMatches(pattern: string | RegExp, pathname: string): RegExpExecArray | null | false {
  if (typeof pattern === 'string') return pattern === pathname ? null : false;
  pattern.lastIndex = 0;
  return pattern.exec(pathname) ?? false;
}

export async function startFixtureServer(
  opts: {
    root?: string;
    routes?: FixtureRoute[];
    host?: string;
    port?: number;
    /**
     * Idle keep-alive time of client connections (default 1 s). undici subtracts 1 s from the server's
     * `Keep-Alive: timeout` hint, so at 1 s it opens a new connection per request; the benchmark
     * raises it to measure the client, not connection set-up.
     */
    keepAliveTimeoutMs?: number;
  } = {},
): Promise<FixtureServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`fixture server binds to loopback only; got host "${host}"`);
  const root = opts.root ? path.resolve(opts.root) : undefined;
  const routes: FixtureRoute[] = [...(opts.routes ?? [])];
  const faults: QueuedFault[] = [];
  const requests: FixtureRequestLog[] = [];

  function takeFault(pathname: string): Fault | undefined {
    const i = faults.findIndex((f) => pathMatches(f.path, pathname) !== false);
    if (i < 0) return undefined;
    const queued = faults[i]!;
    queued.remaining -= 1;
    if (queued.remaining <= 0) faults.splice(i, 1);
    return queued.fault;
  }

  async function serveNormally(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const method = req.method ?? 'GET';
    for (const route of routes) {
      if (route.method && route.method !== method && !(route.method === 'GET' && method === 'HEAD')) continue;
      const match = pathMatches(route.path, pathname);
      if (match === false) continue;
      await route.handler(req, res, match);
      return;
    }
    const file = await staticFile(root, pathname);
    if (!file) return sendText(res, 404, `not found: ${pathname}\n`);
    if (method !== 'GET' && method !== 'HEAD') return sendText(res, 405, `method ${method} not allowed\n`);
    const validators = validatorsFor(file.stats);
    if (isNotModified(req, validators.etag, file.stats)) {
      res.writeHead(304, { ETag: validators.etag, 'Last-Modified': validators.lastModified });
      res.end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': contentTypeFor(file.path),
      'Content-Length': file.stats.size,
      ETag: validators.etag,
      'Last-Modified': validators.lastModified,
    });
    if (method === 'HEAD') return void res.end();
    await pipeline(createReadStream(file.path), res);
  }

  async function applyFault(
    fault: Fault,
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
  ): Promise<void> {
    switch (fault.kind) {
      case 'status': {
        const body = fault.body ?? `${fault.status} ${http.STATUS_CODES[fault.status] ?? ''}\n`;
        res.writeHead(fault.status, {
          'Content-Type': 'text/plain',
          'Content-Length': Buffer.byteLength(body),
          ...fault.headers,
        });
        res.end(body);
        return;
      }
      case 'hang':
        return; // the socket stays open until the client gives up or the server closes
      case 'html200':
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': Buffer.byteLength(HTML_ERROR_PAGE),
        });
        res.end(HTML_ERROR_PAGE);
        return;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        if (res.destroyed) return;
        return serveNormally(req, res, pathname);
      case 'body': {
        const body = typeof fault.body === 'string' ? Buffer.from(fault.body) : fault.body;
        res.writeHead(200, {
          'Content-Type': fault.contentType ?? 'application/octet-stream',
          'Content-Length': body.length,
        });
        res.end(body);
        return;
      }
      case 'truncate': {
        const file = await staticFile(root, pathname);
        if (!file) return sendText(res, 500, `truncate fault needs a static file; none at ${pathname}\n`);
        const validators = validatorsFor(file.stats);
        res.writeHead(200, {
          'Content-Type': contentTypeFor(file.path),
          'Content-Length': file.stats.size,
          ETag: validators.etag,
          'Last-Modified': validators.lastModified,
        });
        const bytes = Math.min(fault.bytes, file.stats.size);
        if (bytes > 0) {
          const part = createReadStream(file.path, { start: 0, end: bytes - 1 });
          for await (const chunk of part) {
            if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
          }
        }
        // Flush what was written, then drop the connection short of Content-Length.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        res.socket?.destroy();
        return;
      }
    }
  }

  const server = http.createServer((req, res) => {
    const rawPath = req.url ?? '/';
    const pathname = safePathname(rawPath);
    const entry: FixtureRequestLog = {
      method: req.method ?? 'GET',
      path: rawPath,
      status: 0,
      headers: { ...req.headers },
      bodyBytes: 0,
    };
    requests.push(entry);
    countBodyBytes(res, entry);
    res.on('close', () => {
      if (res.headersSent) entry.status = res.statusCode;
    });
    const fault = takeFault(pathname);
    const work = fault ? applyFault(fault, req, res, pathname) : serveNormally(req, res, pathname);
    work.catch((err: unknown) => {
      if (!res.headersSent) sendText(res, 500, `fixture server error: ${String(err)}\n`);
      else res.destroy();
    });
  });
  // Requests left hanging on purpose must not keep the process (or close()) waiting.
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 1_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}`,
    requests,
    inject(pattern, fault, times = 1) {
      faults.push({ path: pattern, fault, remaining: Math.max(1, times) });
    },
    clearFaults() {
      faults.length = 0;
    },
    addRoute(route) {
      routes.push(route);
    },
    close() {
      faults.length = 0;
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** Pathname without the query, percent-decoded; "/" when undecodable. */
function safePathname(rawPath: string): string {
  const q = rawPath.indexOf('?');
  const p = q >= 0 ? rawPath.slice(0, q) : rawPath;
  try {
    return decodeURIComponent(p);
  } catch {
    return '/';
  }
}

/** The regular file under `root` for this pathname, refusing anything that escapes `root`. */
async function staticFile(
  root: string | undefined,
  pathname: string,
): Promise<{ path: string; stats: Stats } | null> {
  if (!root || pathname.includes('\0')) return null;
  const resolved = path.resolve(root, `.${pathname}`);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) return null;
  try {
    const stats = await stat(resolved);
    return stats.isFile() ? { path: resolved, stats } : null;
  } catch {
    return null;
  }
}

/** Strong ETag from size and mtime (as nginx does); Last-Modified at second precision. */
function validatorsFor(stats: Stats): { etag: string; lastModified: string } {
  return {
    etag: `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`,
    lastModified: stats.mtime.toUTCString(),
  };
}

/** RFC 9110 §13.1: If-None-Match wins over If-Modified-Since when both are present. */
function isNotModified(req: IncomingMessage, etag: string, stats: Stats): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    return inm
      .split(',')
      .map((t) => t.trim().replace(/^W\//, ''))
      .some((t) => t === '*' || t === etag);
  }
  const ims = req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && Math.floor(stats.mtimeMs / 1000) * 1000 <= since;
}

function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'text/plain';
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Record the status and count body bytes (headers excluded) as they are written, for the request log. */
function countBodyBytes(res: ServerResponse, entry: FixtureRequestLog): void {
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  const size = (chunk: unknown): number =>
    typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk instanceof Uint8Array ? chunk.length : 0;
  res.write = ((...args: unknown[]) => {
    entry.status = res.statusCode;
    entry.bodyBytes += size(args[0]);
    return write(...args);
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    entry.status = res.statusCode;
    if (typeof args[0] !== 'function') entry.bodyBytes += size(args[0]);
    return end(...args);
  }) as typeof res.end;
}
