/**
 * The operator console at /admin: server-rendered pages over the snapshot store, the run history
 * (worker runs in Redis, embedded runs in RUNS_DIR) and the queue, plus confirmed actions recorded
 * with who and why. Registered inside the admin plugin's authenticated scope, so it has exactly
 * the admin routes' authentication. No script and no request to any other host (CSP says so too).
 */

import path from 'node:path';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type Config, SOURCE_IDS, type SourceId } from '../../config.js';
import type { Logger } from '../../log.js';
import { notifierFromConfig } from '../../notify/notifier.js';
import { rollbackSnapshot } from '../../pipeline/publish/rollbackSnapshot.js';
import { FileRunHistory } from '../../pipeline/runHistory.js';
import type { Producer } from '../../queue/runs/producer.js';
import { RUN_ID_PATTERN } from '../../queue/wiring/names.js';
import { showSchedule } from '../../queue/wiring/schedule.js';
import { isSnapshotId } from '../../store/ids.js';
import type { SnapshotStore } from '../../store/snapshotStore.js';
import { ProblemError } from '../problem.js';
import { ConsoleAudit } from './audit.js';
import { presentedUser } from './auth.js';
import { CONSOLE_PATH, html, page, STYLESHEET, STYLESHEET_PATH } from './html.js';
import {
  actionsPage,
  confirmPage,
  diffPage,
  nowSection,
  runPage,
  runsTable,
  sourceRows,
  sourcesSection,
} from './pages.js';
import { fromWorkerRun, mergeRuns, type RunView } from './runsView.js';

export interface ConsoleOptions {
  config: Config;
  store: SnapshotStore;
  producer: Producer;
  log: Logger;
}

const CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

type Form = Record<string, string | string[]>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
const many = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export const consolePlugin: FastifyPluginAsync<ConsoleOptions> = async (app: FastifyInstance, opts) => {
  const { config, store, producer } = opts;
  const audit = new ConsoleAudit(path.resolve(config.RUNS_DIR));
  const runsDir = path.resolve(config.RUNS_DIR);

  // Forms post urlencoded bodies; repeated keys (checkboxes) become arrays.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16_384 },
    (_req, body, done) => {
      const form: Form = {};
      for (const [k, v] of new URLSearchParams(body as string)) {
        const prev = form[k];
        form[k] = prev === undefined ? v : [...many(prev), v];
      }
      done(null, form);
    },
  );

  const send = (reply: FastifyReply, title: string, body: ReturnType<typeof html>, notice?: string) =>
    reply
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .type('text/html; charset=utf-8')
      .send(page(title, body, { notice }));

  const requesters = () => audit.refreshRequesters().catch(() => new Map<string, string>());

  async function allRuns(limit: number): Promise<RunView[]> {
    const who = await requesters();
    const [worker, embedded] = await Promise.all([
      producer.runs.list(limit),
      new FileRunHistory(runsDir).list(limit),
    ]);
    return mergeRuns(
      [...worker, ...embedded].map((r) => fromWorkerRun(r, who.get(r.runId))),
      limit,
    );
  }

  async function oneRun(id: string): Promise<RunView> {
    if (!RUN_ID_PATTERN.test(id))
      throw new ProblemError(400, 'invalid-run-id', 'Bad request', `"${id.slice(0, 60)}" is not a run id`);
    const who = (await requesters()).get(id);
    const worker = await producer.runs.get(id);
    if (worker) return fromWorkerRun(worker, who);
    const embedded = await new FileRunHistory(runsDir).get(id);
    if (embedded) return fromWorkerRun(embedded, who);
    throw new ProblemError(
      404,
      'run-not-found',
      'Not found',
      `no run ${id} in the worker history or in RUNS_DIR`,
    );
  }

  const snapshotId = (id: string) => {
    if (!isSnapshotId(id))
      throw new ProblemError(
        400,
        'invalid-snapshot-id',
        'Bad request',
        `"${id.slice(0, 60)}" is not a snapshot id`,
      );
    return id;
  };

  app.get(STYLESHEET_PATH, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'private, max-age=300').send(STYLESHEET),
  );

  const home = async (req: FastifyRequest, reply: FastifyReply) => {
    const now = Date.now();
    const [latest, runs, activeId, schedule] = await Promise.all([
      store.latestManifest(),
      allRuns(10),
      producer.runs.activeRunId(),
      showSchedule(producer.queues.control, producer.redis, producer.keys).catch(() => null),
    ]);
    const activeRecord = activeId ? await producer.runs.get(activeId) : null;
    const active = activeRecord && !activeRecord.finishedAt ? fromWorkerRun(activeRecord) : null;
    const lastFinished = runs.find((r) => r.finishedAt) ?? null;
    const body = html`${nowSection({ now, latest, maxAgeMs: config.MAX_SNAPSHOT_AGE, active, schedule, timezone: config.REFRESH_TZ })}
${sourcesSection(sourceRows(latest, lastFinished, now, config.MAX_SNAPSHOT_AGE))}
<section><h2>Recent runs</h2>${runsTable(runs, now)}<p><a href="${CONSOLE_PATH}/runs">All runs (last 50)</a> · <a href="${CONSOLE_PATH}/queues">Queue dashboard (bull-board)</a></p></section>`;
    return send(reply, 'Operator console', body, one((req.query as Form).notice));
  };
  app.get(CONSOLE_PATH, home);
  app.get(`${CONSOLE_PATH}/`, home);

  app.get(`${CONSOLE_PATH}/runs`, async (_req, reply) =>
    send(reply, 'Runs', html`<section>${runsTable(await allRuns(50), Date.now())}</section>`),
  );

  app.get(`${CONSOLE_PATH}/runs/:id`, async (req, reply) => {
    const run = await oneRun((req.params as { id: string }).id);
    return send(reply, `Run ${run.runId}`, runPage(run, Date.now()), one((req.query as Form).notice));
  });

  app.get(`${CONSOLE_PATH}/runs/:id/rejects.ndjson`, async (req, reply) => {
    const run = await oneRun((req.params as { id: string }).id);
    const lines = (run.quality?.rejects ?? []).map((r) => JSON.stringify(r)).join('\n');
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="${run.runId}-rejects.ndjson"`)
      .header('cache-control', 'no-store')
      .send(lines ? `${lines}\n` : '');
  });

  const diffOf = async (reply: FastifyReply, id: string, title: string) => {
    const [diff, snapshots] = await Promise.all([store.storedDiff(id), store.list({ limit: 100 })]);
    return send(reply, title, diffPage(diff, snapshots));
  };
  app.get(`${CONSOLE_PATH}/changes`, async (_req, reply) => {
    const latest = await store.latestId();
    if (!latest)
      return send(reply, 'Changes', html`<section><p>No snapshot has been published yet.</p></section>`);
    return diffOf(reply, latest, `Changes in the last publish (${latest})`);
  });
  app.get(`${CONSOLE_PATH}/snapshots/:id/diff`, async (req, reply) => {
    const id = snapshotId((req.params as { id: string }).id);
    return diffOf(reply, id, `Snapshot ${id} against its parent`);
  });

  app.get(`${CONSOLE_PATH}/actions`, async (req, reply) => {
    const [snapshots, history] = await Promise.all([store.list({ limit: 100 }), audit.list(20)]);
    return send(
      reply,
      'Actions',
      actionsPage(snapshots, SOURCE_IDS, history, presentedUser(req.headers.authorization) ?? ''),
      one((req.query as Form).notice),
    );
  });

  app.post(`${CONSOLE_PATH}/actions/:action`, async (req, reply) => {
    // A form posted from another site with the browser's saved credentials is refused.
    // (An opaque origin, "null", counts as another site.)
    const origin = req.headers.origin;
    const fetchSite = req.headers['sec-fetch-site'];
    const sameSite =
      fetchSite === 'same-origin' ||
      (fetchSite === undefined &&
        (!origin || (URL.canParse(origin) && new URL(origin).host === req.headers.host)));
    if (!sameSite) {
      throw new ProblemError(
        403,
        'cross-site',
        'Forbidden',
        'console actions are accepted only from the console itself',
      );
    }
    const action = (req.params as { action: string }).action;
    const form = (req.body ?? {}) as Form;
    const who = one(form.who) || presentedUser(req.headers.authorization) || '';
    const why = one(form.why);
    const confirmed = one(form.confirm) === 'yes';
    const bad = (detail: string) => new ProblemError(400, 'invalid-action', 'Bad request', detail);
    if (!who) throw bad('who: say who you are');
    const at = new Date().toISOString();
    const redirect = (to: string, notice: string) =>
      reply
        .code(303)
        .header('location', `${to}?notice=${encodeURIComponent(notice)}`)
        .send();

    if (action === 'refresh') {
      const sources = many(form.sources).filter((s): s is SourceId =>
        (SOURCE_IDS as readonly string[]).includes(s),
      );
      if (sources.length === 0) throw bad('sources: choose at least one');
      const force = one(form.force) === 'true';
      if (!confirmed) {
        const summary = `Trigger a refresh of ${sources.join(', ')}${force ? ' with --force (publishes through a failed gate)' : ''}, asked by ${who}${why ? ` because: ${why}` : ''}?`;
        return send(
          reply,
          'Confirm refresh',
          confirmPage('refresh', summary, { sources, ...(force ? { force: 'true' } : {}), who, why }),
        );
      }
      const ticket = await producer.request({ trigger: 'manual', sources, force });
      if (ticket.created)
        await audit.record({
          at,
          who,
          why: why || '(none given)',
          action: 'refresh',
          target: ticket.runId,
          detail: { sources, force },
        });
      return redirect(
        `${CONSOLE_PATH}/runs/${ticket.runId}`,
        ticket.created
          ? `Refresh ${ticket.runId} queued.`
          : `A refresh is already ${ticket.status}: ${ticket.runId}; no second one was started.`,
      );
    }

    const id = snapshotId(one(form.id));
    if (action === 'rollback') {
      if (why.length < 3) throw bad('why: a reason is required for a rollback');
      if (!confirmed) {
        return send(
          reply,
          'Confirm rollback',
          confirmPage('rollback', `Make ${id} the latest snapshot (roll back), as ${who}, because: ${why}?`, {
            id,
            who,
            why,
          }),
        );
      }
      // Consumers learn of a console rollback as of a CLI one (snapshot.rolled_back).
      const notifier = notifierFromConfig(config, { log: opts.log, redis: producer.redis });
      const r = await rollbackSnapshot(store, id, { who, why, notifier, log: opts.log }).finally(() =>
        notifier.close(),
      );
      await audit.record({
        at,
        who,
        why,
        action: 'rollback',
        target: id,
        detail: { previousId: r.previousId, changed: r.changed },
      });
      return redirect(
        CONSOLE_PATH,
        r.changed ? `Latest is now ${id} (was ${r.previousId ?? '–'}).` : `${id} was already latest.`,
      );
    }
    if (action === 'pin') {
      const mode = one(form.mode) === 'unpin' ? 'unpin' : 'pin';
      if (!confirmed) {
        return send(
          reply,
          `Confirm ${mode}`,
          confirmPage(
            'pin',
            `${mode === 'pin' ? 'Pin' : 'Unpin'} ${id}, as ${who}${why ? `, because: ${why}` : ''}?`,
            { id, mode, who, why },
          ),
        );
      }
      await (mode === 'pin'
        ? store.pin(id, { who, ...(why ? { why } : {}) })
        : store.unpin(id, { who, ...(why ? { why } : {}) }));
      await audit.record({ at, who, why: why || '(none given)', action: mode, target: id });
      return redirect(`${CONSOLE_PATH}/actions`, `${mode === 'pin' ? 'Pinned' : 'Unpinned'} ${id}.`);
    }
    throw new ProblemError(404, 'unknown-action', 'Not found', `no console action "${action.slice(0, 40)}"`);
  });
};
