/**
 * A recording, fault-injecting HTTP proxy in front of the offline fixture server (127.0.0.1, port 0):
 * every request is logged with its arrival time, and a test can hold matching requests until it
 * releases them (to catch a worker in the middle of a stage) or answer them itself (429s).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface ProxyLogEntry {
  at: number;
  method: string;
  path: string;
  status: number;
}

export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Hold {
  /** Resolves when a matching request has arrived and is being held. */
  arrived: Promise<void>;
  release(): void;
}

export interface RecordingProxy {
  url: string;
  log: ProxyLogEntry[];
  /** Hold the next matching request (and any that arrive before release) until `release()`. */
  hold(path: RegExp): Hold;
  /** Answer matching requests with `respond(n)` (n = 1-based count of matches) unless it returns undefined. */
  intercept(path: RegExp, respond: (n: number) => CannedResponse | undefined): void;
  close(): Promise<void>;
}

export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const log: ProxyLogEntry[] = [];
  const holds: { path: RegExp; gate: Promise<void>; onArrive: () => void }[] = [];
  const intercepts: { path: RegExp; respond: (n: number) => CannedResponse | undefined; n: number }[] = [];

  const forward = async (req: IncomingMessage, res: ServerResponse, entry: ProxyLogEntry) => {
    const upstreamRes = await request(`${upstream}${req.url}`, {
      method: req.method as 'GET',
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(([k, v]) => k !== 'host' && k !== 'connection' && v !== undefined),
      ) as Record<string, string>,
    });
    entry.status = upstreamRes.statusCode;
    const headers = Object.fromEntries(
      Object.entries(upstreamRes.headers).filter(([k]) => k !== 'transfer-encoding' && k !== 'connection'),
    );
    res.writeHead(upstreamRes.statusCode, headers as http.OutgoingHttpHeaders);
    for await (const chunk of upstreamRes.body) {
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  };

  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const entry: ProxyLogEntry = { at: Date.now(), method: req.method ?? 'GET', path, status: 0 };
    log.push(entry);
    void (async () => {
      const hold = holds.find((h) => h.path.test(path));
      if (hold) {
        hold.onArrive();
        await hold.gate;
      }
      const icpt = intercepts.find((i) => i.path.test(path));
      const canned = icpt ? icpt.respond(++icpt.n) : undefined;
      if (canned) {
        entry.status = canned.status;
        res.writeHead(canned.status, { 'content-type': 'text/plain', ...canned.headers });
        res.end(canned.body ?? '');
        return;
      }
      if (res.destroyed) return;
      await forward(req, res, entry);
    })().catch(() => {
      if (!res.headersSent) {
        res.writeHead(502);
        res.end();
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    log,
    hold(path) {
      let onArrive!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((r) => {
        onArrive = r;
      });
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const h = { path, gate, onArrive };
      holds.push(h);
      return {
        arrived,
        release: () => {
          const i = holds.indexOf(h);
          if (i >= 0) holds.splice(i, 1);
          release();
        },
      };
    },
    intercept(path, respond) {
      intercepts.push({ path, respond, n: 0 });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
