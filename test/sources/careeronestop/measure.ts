/**
 * Prints (does not assert) what the CareerOneStop source does against the fixture API with the
 * default pacing: requests per second achieved under CAREERONESTOP_RPS (default 2) and the request
 * counts of a first and a second run over the offline snapshot's occupations.
 *
 *   npx tsx test/sources/careeronestop/measure.ts            # default CAREERONESTOP_RPS=2
 *   CAREERONESTOP_RPS=5 npx tsx test/sources/careeronestop/measure.ts
 */
import type { HttpClient } from '../../../src/http/httpClient.js';
import { TokenBucket } from '../../../src/sources/careeronestop/rateLimiter.js';
import { runCareerOneStop } from '../../../src/sources/careeronestop/runCareerOneStop.js';
import { apiRequests, FIXTURE_SOCS, startRig } from './harness.js';

const env: Record<string, string> = {};
if (process.env.CAREERONESTOP_RPS) env.CAREERONESTOP_RPS = process.env.CAREERONESTOP_RPS;
const rig = await startRig(env);
try {
  const rps = rig.config.CAREERONESTOP_RPS;
  const limiter = new TokenBucket({ ratePerSecond: rps });
  const sent: number[] = [];
  const http: Pick<HttpClient, 'request'> = {
    request: (url, init) => {
      sent.push(performance.now());
      return rig.http.request(url, init);
    },
  };
  const t0 = performance.now();
  const first = await runCareerOneStop(rig.deps({ http, limiter }), {
    socs: FIXTURE_SOCS,
    runId: 'measure-1',
  });
  const firstMs = performance.now() - t0;
  const span = (sent.at(-1)! - sent[0]!) / 1000;
  const achieved = (sent.length - 1) / span;

  const before = apiRequests(rig.server).length;
  const t1 = performance.now();
  const second = await runCareerOneStop(rig.deps({ http, limiter }), {
    socs: FIXTURE_SOCS,
    runId: 'measure-2',
  });
  const secondMs = performance.now() - t1;

  console.log(
    JSON.stringify(
      {
        configuredRps: rps,
        concurrency: rig.config.CAREERONESTOP_CONCURRENCY,
        occupations: FIXTURE_SOCS.length,
        firstRun: {
          requests: first.quality.requests,
          seenByServer: before,
          seconds: +(firstMs / 1000).toFixed(2),
          achievedRps: +achieved.toFixed(3),
          occupationEndpoint: first.quality.endpoints.occupation,
          records: first.quality.records,
        },
        secondRun: {
          requests: second.quality.requests,
          seenByServer: apiRequests(rig.server).length - before,
          seconds: +(secondMs / 1000).toFixed(3),
          occupationEndpoint: second.quality.endpoints.occupation,
          records: second.quality.records,
        },
      },
      null,
      2,
    ),
  );
} finally {
  await rig.close();
}
