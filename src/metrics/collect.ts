/** Gather the /metrics figures from Redis (fleet counters, queues, run state) and the snapshot store. */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from '../queue/wiring/names.js';
import type { SnapshotStore } from '../store/snapshotStore.js';
import { ClusterMetrics } from './clusterMetrics.js';
import { type BuildInfo, type MetricsInput, renderMetrics } from './exposition.js';
import { processMetricsText } from './processMetrics.js';

export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'waiting-children',
  'prioritized',
  'failed',
  'completed',
] as const;

export interface MetricsSources {
  redis: Redis;
  keys: Keys;
  queues: Record<string, Queue>;
  store: Pick<SnapshotStore, 'latestManifest'>;
  build?: BuildInfo;
  now?: () => Date;
}

export async function collectMetrics(src: MetricsSources): Promise<MetricsInput> {
  const now = (src.now ?? (() => new Date()))();
  const [cluster, queueCounts, latest, active, paused] = await Promise.all([
    new ClusterMetrics(src.redis, src.keys.metrics).read(),
    Promise.all(
      Object.entries(src.queues).map(
        async ([name, q]) => [name, await q.getJobCounts(...QUEUE_STATES)] as const,
      ),
    ),
    src.store.latestManifest().catch(() => null),
    src.redis.get(src.keys.activeRun),
    src.redis.exists(src.keys.schedulePaused),
  ]);
  const created = latest ? Date.parse(latest.createdAt) : Number.NaN;
  return {
    cluster,
    queues: Object.fromEntries(queueCounts),
    snapshotAgeSeconds: Number.isFinite(created)
      ? Math.max(0, Math.round((now.getTime() - created) / 1000))
      : null,
    activeRun: active !== null,
    schedulePaused: paused === 1,
    ...(latest?.releases ? { releases: latest.releases } : {}),
    ...(src.build ? { build: src.build } : {}),
  };
}

/** The fleet's figures, then this process's own (CPU, memory, heap, event-loop lag). */
export async function metricsText(src: MetricsSources): Promise<string> {
  return renderMetrics(await collectMetrics(src)) + (await processMetricsText());
}
