import http from 'node:http';
import autocannon from 'autocannon';
import { startApi } from '/work/main/src/api/server.js';
import { SnapshotStore } from '/work/main/src/store/snapshotStore.js';
import { DEFAULT_GATE_CONFIG } from '/work/main/src/gates/report.js';
import { candidate, occupations, tempDir } from '/work/main/test/store/support.js';

const tmp = await tempDir('h6bench-');
const store = new SnapshotStore({ dir: tmp.dir });
await store.publish(candidate(occupations(800)), { gates: DEFAULT_GATE_CONFIG });
const api = await startApi({ store, host: '127.0.0.1', port: 0 });
const recs = await store.records((await store.latestId())!);
const bufs = new Map(recs.map((r) => [r.soc, Buffer.from(JSON.stringify(r))]));
const bare = http.createServer((req, res) => {
  const soc = req.url!.split('/').pop()!;
  const b = bufs.get(soc);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': b!.length, etag: '"x"' });
  res.end(b);
});
await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(bare.address() as any).port}`;
async function run(url: string) {
  const r = await autocannon({ url: url + '/v1/occupations/11-1400', connections: 50, duration: 8, pipelining: 1 });
  return r.requests.average;
}
await run(api.url); // warm
const a1 = await run(bareUrl);
const f1 = await run(api.url);
const a2 = await run(bareUrl);
const f2 = await run(api.url);
console.log({ bare: [a1, a2], fastify: [f1, f2], ratio: (f1 + f2) / (a1 + a2) });
await api.close(); bare.close(); await tmp.cleanup();
