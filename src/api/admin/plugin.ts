/**
 * Operator routes for the API server, as one fastify plugin:
 *   POST /v1/refreshes          ask for a refresh → 202 with the run id (or the active run's id)
 *   GET  /v1/refreshes[?limit]  run history, newest first
 *   GET  /v1/refreshes/{id}     one run: stages, durations, quality, gate or error report
 *   /admin/queues               bull-board dashboard
 *   GET  /metrics               Prometheus exposition (open, like most scrape targets)
 * Everything but /metrics needs ADMIN_TOKEN (Bearer, or Basic with the token as password for a
 * browser). The read API does not depend on Redis: while Redis is down these routes answer 503 and
 * the rest of the server carries on.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Config, SOURCE_IDS } from '../../config.js';
import { type Logger, silentLogger } from '../../log.js';
import { metricsText } from '../../metrics/collect.js';
import { SNAPSHOT_SCHEMA_VERSION } from '../../model/occupation.js';
import { PACKAGE_VERSION } from '../../pipeline/runContext.js';
import { createProducer, type Producer } from '../../queue/runs/producer.js';
import { type RunRecord, stageDurations } from '../../queue/runs/runStore.js';
import { RUN_ID_PATTERN } from '../../queue/wiring/names.js';
import type { SnapshotStore } from '../../store/snapshotStore.js';
import { CONSOLE_PATH } from '../console/html.js';
import { consolePlugin } from '../console/plugin.js';
import { PROBLEM_CONTENT_TYPE, ProblemError, toProblem } from '../problem.js';
import { checkAdmin } from './auth.js';
import { FailedAuthLimiter, type FailedAuthLimits } from './authFailures.js';

export const DASHBOARD_PATH = '/admin/queues';
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface AdminPluginOptions {
  config: Pick<Config, 'ADMIN_TOKEN' | 'REDIS_URL' | 'QUEUE_PREFIX' | 'sources' | 'QUEUE_BACKOFF_DELAY'> &
    Config;
  /** The full store serves the operator console too; one with only `latestManifest` serves /metrics. */
  store: Pick<SnapshotStore, 'latestManifest'> | SnapshotStore;
  log?: Logger;
  /** An existing producer (tests); by default one is created and closed with the server. */
  producer?: Producer & { ready?: () => boolean };
  /** Failed-authentication limits per client (default 10 a minute). */
  authLimits?: FailedAuthLimits;
}

const RefreshBody = z
  .object({
    sources: z
      .union([z.array(z.enum(SOURCE_IDS)), z.string().transform((s) => s.split(',').map((x) => x.trim()))])
      .pipe(z.array(z.enum(SOURCE_IDS)).min(1))
      .optional(),
    force: z.boolean().optional(),
  })
  .strict();

function sendProblem(reply: FastifyReply, status: number, slug: string, title: string, detail: string) {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify({ type: `urn:careerdata:problem:${slug}`, title, status, detail }));
}

/** The list view leaves out the bulky quality report; `GET /v1/refreshes/{id}` has it all. */
function listView(r: RunRecord) {
  const { outcome, ...rest } = r;
  const {
    quality: _quality,
    gateReport: _gates,
    ...small
  } = outcome ?? ({} as NonNullable<RunRecord['outcome']>);
  return { ...rest, durations: stageDurations(r), ...(outcome ? { outcome: small } : {}) };
}

export const adminPlugin: FastifyPluginAsync<AdminPluginOptions> = async (app: FastifyInstance, opts) => {
  const log = opts.log ?? silentLogger;
  const producer = opts.producer ?? createProducer(opts.config, log, { name: 'careerdata-api' });
  const ready = () => (producer.ready ? producer.ready() : producer.redis.status === 'ready');
  if (!opts.producer) app.addHook('onClose', async () => producer.close());

  const unavailable = (reply: FastifyReply) =>
    sendProblem(
      reply.header('retry-after', '5'),
      503,
      'queue-unavailable',
      'Queue unavailable',
      'Redis is not reachable right now; the read API is unaffected. Try again shortly.',
    );

  const failures = new FailedAuthLimiter(opts.authLimits);
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const lockedFor = failures.retryAfterSeconds(req.ip);
      if (lockedFor > 0 && opts.config.ADMIN_TOKEN) {
        return sendProblem(
          reply.header('retry-after', String(lockedFor)),
          429,
          'too-many-failed-authentications',
          'Too many failed authentications',
          `too many wrong admin tokens from this address; try again in ${lockedFor} s`,
        );
      }
      const result = checkAdmin(req.headers.authorization, opts.config.ADMIN_TOKEN);
      if (result === 'wrong' || result === 'malformed') {
        // Who and where, never what was presented.
        const count = failures.recordFailure(req.ip);
        log.warn(
          {
            client: req.ip,
            method: req.method,
            route: req.url.split('?')[0]?.slice(0, 200),
            reason: result,
            failures: count,
          },
          'admin authentication failed',
        );
      }
      if (result === 'disabled') {
        return sendProblem(
          reply,
          503,
          'admin-disabled',
          'Admin routes disabled',
          'set ADMIN_TOKEN to enable them',
        );
      }
      if (result !== 'ok') {
        // The console and the dashboard are opened in a browser: ask it for a login.
        const dashboard = req.url.startsWith(CONSOLE_PATH);
        reply.header(
          'www-authenticate',
          dashboard ? 'Basic realm="careerdata admin", charset="UTF-8"' : 'Bearer realm="careerdata admin"',
        );
        return sendProblem(
          reply,
          401,
          'unauthorized',
          'Unauthorized',
          result === 'missing' ? 'send Authorization: Bearer <ADMIN_TOKEN>' : 'the admin token is not valid',
        );
      }
      if (!ready()) return unavailable(reply);
    });
    scope.setErrorHandler((err, req, reply) => {
      const { problem, internal } = toProblem(err, req.url.slice(0, 200));
      if (internal) log.error({ err, url: req.url.slice(0, 200) }, 'admin request failed');
      return sendProblem(
        reply,
        problem.status,
        problem.type.split(':').pop()!,
        problem.title,
        problem.detail,
      );
    });

    scope.post('/v1/refreshes', async (req, reply) => {
      const parsed = RefreshBody.safeParse(req.body ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ProblemError(
          400,
          'invalid-refresh-request',
          'Bad request',
          `${issue?.path.join('.') || 'body'}: ${issue?.message}; expected {"sources"?: [${SOURCE_IDS.join(', ')}], "force"?: boolean}`,
        );
      }
      const ticket = await producer.request({
        trigger: 'manual',
        sources: parsed.data.sources,
        force: parsed.data.force ?? false,
      });
      const href = `/v1/refreshes/${ticket.runId}`;
      return reply
        .code(202)
        .header('location', href)
        .header('cache-control', 'no-store')
        .send({ ...ticket, href });
    });

    scope.get('/v1/refreshes', async (req, reply) => {
      const limit = Number((req.query as { limit?: string }).limit ?? 20);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
        throw new ProblemError(
          400,
          'invalid-query',
          'Bad request',
          'limit: expected an integer from 1 to 500',
        );
      }
      const runs = await producer.runs.list(limit);
      return reply.header('cache-control', 'no-store').send({ runs: runs.map(listView) });
    });

    scope.get('/v1/refreshes/:id', async (req, reply) => {
      const id = (req.params as { id: string }).id;
      if (!RUN_ID_PATTERN.test(id)) {
        throw new ProblemError(400, 'invalid-run-id', 'Bad request', `"${id.slice(0, 60)}" is not a run id`);
      }
      const run = await producer.runs.get(id);
      if (!run) throw new ProblemError(404, 'run-not-found', 'Not found', `no run ${id} in the history`);
      return reply.header('cache-control', 'no-store').send({ ...run, durations: stageDurations(run) });
    });

    if ('list' in opts.store) {
      await scope.register(consolePlugin, { config: opts.config, store: opts.store, producer, log });
    }

    const board = new FastifyAdapter();
    // Read-only unless the operator opts in: a retry or delete there bypasses the run's own bookkeeping.
    const readOnlyMode = opts.config.ADMIN_QUEUES_WRITABLE !== true;
    createBullBoard({
      queues: Object.values(producer.queues).map((q) => new BullMQAdapter(q, { readOnlyMode })),
      // @bull-board/fastify 9.10.1 pins its own @bull-board/api 9.10.1 (ours is 9.10.2): identical
      // at run time, but TypeScript sees two declarations of the same class.
      serverAdapter: board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
      options: {
        uiConfig: {
          boardTitle: 'careerdata queues',
          miscLinks: [{ text: 'Operator console', url: CONSOLE_PATH }],
          hideDocsLink: true,
        },
      },
    });
    board.setBasePath(DASHBOARD_PATH);
    // bull-board's page loads its fonts from fonts.googleapis.com: drop that link so the dashboard
    // makes no request to another host (the system font stack is used instead).
    scope.addHook('onSend', async (req, _reply, payload) =>
      typeof payload === 'string' && req.url.startsWith(DASHBOARD_PATH)
        ? payload.replace(/<link[^>]+href="https:\/\/fonts\.googleapis\.com[^>]*>/g, '')
        : payload,
    );
    await scope.register(board.registerPlugin(), { prefix: DASHBOARD_PATH });
  });

  app.get('/metrics', async (_req, reply) => {
    if (!ready()) return unavailable(reply);
    const text = await metricsText({
      redis: producer.redis,
      keys: producer.keys,
      queues: { ...producer.queues },
      store: opts.store,
      build: {
        version: PACKAGE_VERSION,
        methodology: opts.config.METHODOLOGY_VERSION,
        schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      },
    });
    return reply.header('cache-control', 'no-store').type(METRICS_CONTENT_TYPE).send(text);
  });
};
