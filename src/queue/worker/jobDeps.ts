/**
 * What a job handler (jobs/*.ts) receives: the shared I/O of this worker process, built once, and
 * per job the lock token, an abort signal and a stage timer. Handlers stay thin: validate the
 * payload, call the pipeline's stage functions, hand results on by reference.
 */
import type { FlowProducer, Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import type { ClusterMetrics } from '../../metrics/clusterMetrics.js';
import type { EventSink } from '../../notify/events.js';
import type { RunContext } from '../../pipeline/runContext.js';
import type { RedisPacer } from '../../sources/careeronestop/queue/pacer.js';
import type { ResponseStore } from '../../sources/careeronestop/responseStore.js';
import type { RunPayload } from '../handOver/payloads.js';
import type { SourceReader } from '../handOver/sourceReader.js';
import type { StageFiles } from '../handOver/stageFiles.js';
import type { RunStore } from '../runs/runStore.js';
import type { Keys } from '../wiring/names.js';
import type { QueueSet } from '../wiring/queueSet.js';

export interface JobDeps {
  config: Config;
  log: Logger;
  /** The process-wide context (HTTP client, raw cache, snapshot store). */
  base: RunContext;
  /** The context for one run: the base with the run's source selection. */
  ctxFor(run: Pick<RunPayload, 'sources'>): RunContext;
  redis: Redis;
  keys: Keys;
  queues: QueueSet;
  flows: FlowProducer;
  runs: RunStore;
  stageFiles: StageFiles;
  reader: SourceReader;
  pacer: RedisPacer;
  careerOneStopStore: ResponseStore;
  metrics: ClusterMetrics;
  events: EventSink;
  /** `host:pid`, recorded on stages and jobs so an operator can see who ran what. */
  workerName: string;
  now: () => Date;
}

export interface JobIO {
  token: string;
  signal: AbortSignal;
  /** Time a sub-stage (e.g. `checks` inside the read job) into the run record and metrics. */
  timed<T>(stage: string, fn: () => Promise<T> | T): Promise<T>;
  /** Record this job's stage as done now (before announcing the run's end); later calls are no-ops. */
  stageDone(): Promise<void>;
}

export type JobHandler<R = unknown> = (deps: JobDeps, job: Job, io: JobIO) => Promise<R>;
