/**
 * The read API's ceiling: a minimal node:http server answering GET /v1/occupations/{soc} from
 * pre-serialised buffers of the same records (the bytes and ETags the real API sent), with a 304 on
 * a matching If-None-Match. Whatever it reaches is what Node can do on this machine.
 *
 *   node ceilingServer.js <bodies.json> <port>
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';

interface Entry {
  soc: string;
  body: string;
  etag: string;
  contentType: string;
  cacheControl: string;
}

const [file, portText] = process.argv.slice(2);
const entries = JSON.parse(readFileSync(file!, 'utf8')) as Entry[];
const bySoc = new Map(
  entries.map((e) => [
    e.soc,
    {
      etag: e.etag,
      body: Buffer.from(e.body, 'utf8'),
      headers: { 'content-type': e.contentType, 'cache-control': e.cacheControl, etag: e.etag },
    },
  ]),
);
const PREFIX = '/v1/occupations/';
const notFound = Buffer.from('{"status":404}');

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  if (url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  const hit = url.startsWith(PREFIX) ? bySoc.get(url.slice(PREFIX.length)) : undefined;
  if (!hit) {
    res
      .writeHead(404, { 'content-type': 'application/json', 'content-length': notFound.length })
      .end(notFound);
    return;
  }
  if (req.headers['if-none-match'] === hit.etag) {
    res.writeHead(304, { etag: hit.etag, 'cache-control': hit.headers['cache-control'] }).end();
    return;
  }
  res.writeHead(200, { ...hit.headers, 'content-length': hit.body.length }).end(hit.body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(portText), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
