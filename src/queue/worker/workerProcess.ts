/**
 * A worker process: three BullMQ workers (stages, CareerOneStop occupations, control) over one
 * Redis, the shared I/O built once, the job schedulers ensured at start-up, and an orderly stop on
 * SIGTERM/SIGINT: take no new jobs, let active ones finish for most of SHUTDOWN_TIMEOUT, hand the
 * rest back to the queue, close every connection, resolve `closed`.
 * Any number of these processes can run against the same Redis and shared directories.
 */
import os from 'node:os';
import path from 'node:path';
import { type Job, Worker, type WorkerOptions } from 'bullmq';
import type { Config } from '../../config.js';
import { secretValues } from '../../config.js';
import type { Logger } from '../../log.js';
import { ClusterMetrics } from '../../metrics/clusterMetrics.js';
import { notifierFromConfig } from '../../notify/notifier.js';
import { closeRunContext, createRunContext } from '../../pipeline/runContext.js';
import { failedOutcome } from '../../pipeline/summary.js';
import { runAsWork } from '../../processGuard.js';
import { careerOneStopJobLimiter, RedisPacer } from '../../sources/careeronestop/queue/pacer.js';
import { FileResponseStore } from '../../sources/careeronestop/responseStore.js';
import { SnapshotStore } from '../../store/snapshotStore.js';
import { SourceReader } from '../handOver/sourceReader.js';
import { StageFiles } from '../handOver/stageFiles.js';
import { finishRun, rootCause } from '../runs/finishRun.js';
import { RunStore } from '../runs/runStore.js';
import { closeRedis, safeRedisUrl, waitForRedis, workerRedis } from '../wiring/connection.js';
import { JOB, keys as keysFor, QUEUES, stageOfJob } from '../wiring/names.js';
import { openQueues } from '../wiring/queueSet.js';
import { ensureSchedules } from '../wiring/schedule.js';
import { finishDepsOf } from './depsAdapters.js';
import { startHeartbeat } from './heartbeat.js';
import type { JobDeps } from './jobDeps.js';
import { createProcessor, type JobHandlers, type ProcessorState } from './processor.js';
import { RepeatedErrorLog } from './repeatedErrors.js';

export interface WorkerProcess {
  deps: JobDeps;
  workers: Worker[];
  /** Stop as on SIGTERM; resolves when everything is closed. */
  stop(reason?: string): Promise<void>;
  /** Resolves once the process has stopped (after a signal or `stop`). */
  closed: Promise<void>;
}

export interface WorkerProcessOptions {
  /** The job handlers (jobs/index.ts), registered by the entry point: src/ never imports jobs/. */
  handlers: JobHandlers;
  /** Install SIGTERM/SIGINT handlers (the CLI does; tests drive `stop` themselves). */
  signals?: boolean;
  /** How long to wait for Redis at start-up. */
  connectTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Resolves when `orderly` does or once `deadlineMs` has passed, whichever comes first; `onDeadline`
 * runs only when the deadline comes first.
 */
export function stopWithin(
  orderly: Promise<void>,
  deadlineMs: number,
  onDeadline: () => void,
): Promise<void> {
  let finished = false;
  return Promise.race([
    orderly.then(() => {
      finished = true;
    }),
    sleep(deadlineMs).then(() => {
      if (!finished) onDeadline();
    }),
  ]);
}

export async function startWorkerProcess(
  config: Config,
  log: Logger,
  opts: WorkerProcessOptions,
): Promise<WorkerProcess> {
  const url = config.REDIS_URL!;
  const workerName = `${os.hostname()}:${process.pid}`;
  const redis = workerRedis(url, `careerdata-worker:${workerName}`);
  const redisErrors = new RepeatedErrorLog(log);
  redis.on('error', (err) => redisErrors.report('redis connection error (reconnecting)', err));
  try {
    await waitForRedis(redis, url, opts.connectTimeoutMs ?? 30_000);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const prefix = config.QUEUE_PREFIX;
  const keys = keysFor(prefix);
  const { queues, flows } = openQueues(redis, prefix);
  const metrics = new ClusterMetrics(redis, keys.metrics, log);
  // One store, one notifier, one Redis connection for every job this process runs.
  const base = createRunContext(
    config,
    log,
    {
      // Publishers on different machines sharing the snapshot volume are serialised through Redis too.
      store: new SnapshotStore({
        dir: path.resolve(config.SNAPSHOT_DIR),
        log,
        redis,
        redisLockKey: `${prefix}:publish-lock`,
      }),
      // The worker always has Redis: events go to the stream even when REDIS_URL is the default.
      notifier: notifierFromConfig({ ...config, redisConfigured: true }, { log, redis }),
      redis,
    },
    { onAttempt: (e) => void metrics.upstreamRequest(e.host, e.status) },
  );
  const deps: JobDeps = {
    config,
    log,
    base,
    ctxFor: (run) => ({ ...base, config: { ...base.config, sources: run.sources } }),
    redis,
    keys,
    queues,
    flows,
    runs: new RunStore(redis, keys),
    stageFiles: new StageFiles(config.CACHE_DIR),
    reader: new SourceReader(),
    pacer: new RedisPacer(redis, keys.careerOneStopPace, config.CAREERONESTOP_RPS),
    careerOneStopStore: new FileResponseStore(config.CACHE_DIR, { secrets: secretValues(config) }),
    metrics,
    events: base.notifier,
    workerName,
    now: () => new Date(),
  };

  await ensureSchedules(queues.control, redis, keys, config, log);

  const state: ProcessorState = { shuttingDown: false };
  const processJob = createProcessor(deps, state, opts.handlers);
  // Each job runs as work with its run and job id, so a fatal error inside it names them. Three
  // named parameters: BullMQ passes the cancellation signal only to a processor of arity 3.
  const processor: typeof processJob = (job, token, signal) =>
    runAsWork(
      {
        runId: (job.data as { runId?: string } | undefined)?.runId,
        jobId: job.id,
        job: job.name,
        stage: stageOfJob(job),
      },
      () => processJob(job, token, signal),
    );
  const common: WorkerOptions = {
    connection: redis,
    prefix,
    name: workerName,
    lockDuration: config.QUEUE_LOCK_DURATION,
    stalledInterval: config.QUEUE_STALLED_INTERVAL,
    // A job whose worker died is recovered twice before it counts as failed.
    maxStalledCount: 2,
    autorun: false,
  };
  const workers = [
    new Worker(QUEUES.refresh, processor, { ...common, concurrency: config.WORKER_CONCURRENCY }),
    new Worker(QUEUES.careeronestop, processor, {
      ...common,
      concurrency: config.CAREERONESTOP_CONCURRENCY,
      limiter: careerOneStopJobLimiter(config.CAREERONESTOP_RPS),
    }),
    new Worker(QUEUES.control, processor, { ...common, concurrency: 1 }),
  ];
  for (const w of workers) {
    w.on('error', (err) => redisErrors.report('worker error', err, { queue: w.name }));
    w.on('stalled', (jobId) =>
      log.warn({ queue: w.name, jobId }, 'stalled job recovered (its worker died?)'),
    );
    w.on('failed', (job, err) => {
      void onFinalFailure(deps, job, err).catch((e: unknown) =>
        redisErrors.report('could not record a failed job', e, { jobId: job?.id }),
      );
    });
  }
  for (const w of workers) void w.run();
  const stopHeartbeat = startHeartbeat(
    config.HEARTBEAT_FILE,
    () => redis.status === 'ready' && workers.every((w) => w.isRunning()),
  );
  log.info(
    {
      redis: safeRedisUrl(url),
      prefix,
      concurrency: config.WORKER_CONCURRENCY,
      careerOneStopRps: config.CAREERONESTOP_RPS,
      worker: workerName,
    },
    'worker ready',
  );

  let stopping: Promise<void> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });

  const stop = (reason = 'stop requested'): Promise<void> => {
    // Whatever hangs (a Redis that does not answer makes every close wait), the process stops
    // within SHUTDOWN_TIMEOUT; BullMQ's stalled-job check recovers what was not handed back.
    stopping ??= stopWithin(orderlyStop(reason), config.SHUTDOWN_TIMEOUT, () => {
      log.warn(
        { shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT },
        'shutdown did not complete within SHUTDOWN_TIMEOUT (Redis not answering?); stopping anyway — unfinished jobs are recovered as stalled by another worker',
      );
      redis.disconnect();
    }).then(() => resolveClosed());
    return stopping;
  };

  const orderlyStop = (reason: string): Promise<void> =>
    (async () => {
      const timeout = config.SHUTDOWN_TIMEOUT;
      // Most of the budget waits for active jobs; the reserve hands back the unfinished (first
      // half) and closes down (second half) before the hard deadline in stop().
      const reserve = Math.min(5_000, Math.floor(timeout * 0.4));
      const waitMs = Math.max(0, timeout - reserve);
      log.info({ reason, waitMs }, 'stopping: taking no new jobs, waiting for active jobs');
      stopHeartbeat();
      state.shuttingDown = true;
      const closing = Promise.allSettled(workers.map((w) => w.close()));
      const finished = await Promise.race([closing.then(() => true), sleep(waitMs).then(() => false)]);
      if (!finished) {
        log.warn('active jobs did not finish in time: returning them to the queue');
        for (const w of workers) w.cancelAllJobs('worker shutdown');
        const returned = await Promise.race([closing.then(() => true), sleep(reserve / 2).then(() => false)]);
        if (!returned) await Promise.allSettled(workers.map((w) => w.close(true)));
      }
      // Webhook deliveries in flight get a short, bounded chance to finish.
      await Promise.race([base.notifier.idle(), sleep(2_000)]);
      await Promise.allSettled([...Object.values(queues).map((q) => q.close()), flows.close()]);
      // A handed-back job's download may still be in flight: abort it rather than wait for its
      // timeout (another worker retries the job). Bounded all the same.
      await Promise.race([
        closeRunContext(base, { abortRequests: true, keepRedis: true }).catch(() => undefined),
        sleep(1_000),
      ]);
      await closeRedis(redis);
      log.info('worker stopped');
    })();

  if (opts.signals) {
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        log.warn(`${sig} again: exiting now`);
        process.exit(1);
      }
      void stop(sig);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  return { deps, workers, stop, closed };
}

/** A job that failed for good: a CareerOneStop occupation only counts; any other stage fails the run. */
async function onFinalFailure(deps: JobDeps, job: Job | undefined, err: Error): Promise<void> {
  if (!job || typeof job.finishedOn !== 'number') return; // will be retried
  const runId = (job.data as { runId?: string } | undefined)?.runId;
  if (job.name === JOB.careerOneStopOccupation) {
    if (runId) await deps.runs.careerOneStopCounted(runId, 'failed');
    return;
  }
  if (!runId || stageOfJob(job) === null) {
    deps.log.error({ jobId: job.id, job: job.name, err: err.message }, 'control job failed');
    return;
  }
  const run = await deps.runs.get(runId);
  if (!run || run.finishedAt) return;
  const cause = await rootCause(
    { [QUEUES.refresh]: deps.queues.refresh, [QUEUES.careeronestop]: deps.queues.careeronestop },
    job,
  );
  const latestId = await deps.base.store.latestId().catch(() => null);
  await finishRun(finishDepsOf(deps), run, failedOutcome(cause.stage, cause.reason, latestId));
}
