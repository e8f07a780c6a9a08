/**
 * Metrics of the whole worker fleet, kept in Redis so that any process (the API server's
 * /metrics) can expose them: counters are HINCRBY fields, the stage-duration histogram is a hash of
 * cumulative bucket counts. Recording never throws: a metrics hiccup must not fail a stage.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { Keys } from '../queue/wiring/names.js';

/** Seconds; stages range from a cached fetch (ms) to a full CareerOneStop pass (an hour). */
export const STAGE_BUCKETS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600] as const;

export interface HistogramData {
  buckets: Record<string, number>;
  sum: number;
  count: number;
}

export interface ClusterMetricsSnapshot {
  runs: { status: string; trigger: string; count: number }[];
  upstream: { host: string; status: string; count: number }[];
  stages: Record<string, HistogramData>;
  lastPublishSeconds: number | null;
  lastSuccessSeconds: number | null;
  /** source → Unix seconds of its last successful fetch. */
  sourceFetchedSeconds: Record<string, number>;
  rejectedBySource: Record<string, number>;
  gateFailures: Record<string, number>;
}

/** What a finished run adds besides its status: rows rejected per source, gates that failed. */
export interface RunFigures {
  rejectedBySource?: Record<string, number>;
  failedGates?: string[];
}

export class ClusterMetrics {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys['metrics'],
    private readonly log?: Logger,
  ) {}

  private async safely(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.log?.debug({ err: (err as Error).message }, `metrics: could not record ${what}`);
    }
  }

  runFinished(status: string, trigger: string, at: Date, figures: RunFigures = {}): Promise<void> {
    return this.safely('run', async () => {
      const m = this.redis.multi().hincrby(this.keys.runs, `${status}|${trigger}`, 1);
      for (const [source, n] of Object.entries(figures.rejectedBySource ?? {}))
        m.hincrby(this.keys.rejected, source, n);
      for (const gate of new Set(figures.failedGates ?? [])) m.hincrby(this.keys.gateFailures, gate, 1);
      const seconds = Math.floor(at.getTime() / 1000);
      if (status === 'published') m.hset(this.keys.lastPublish, 'published', seconds);
      if (status === 'published' || status === 'unchanged') m.hset(this.keys.lastPublish, 'success', seconds);
      await m.exec();
    });
  }

  stageDuration(stage: string, seconds: number): Promise<void> {
    return this.safely('stage duration', async () => {
      const m = this.redis.multi();
      for (const le of STAGE_BUCKETS)
        if (seconds <= le) m.hincrby(this.keys.stageHistogram, `${stage}|${le}`, 1);
      m.hincrby(this.keys.stageHistogram, `${stage}|+Inf`, 1);
      m.hincrbyfloat(this.keys.stageHistogram, `${stage}|sum`, seconds);
      m.hincrby(this.keys.stageHistogram, `${stage}|count`, 1);
      await m.exec();
    });
  }

  sourceFetched(source: string, at: Date): Promise<void> {
    return this.safely('source fetch', () =>
      this.redis.hset(this.keys.sourceFetched, source, Math.floor(at.getTime() / 1000)),
    );
  }

  upstreamRequest(host: string, status: number | 'error'): Promise<void> {
    return this.safely('upstream request', () =>
      this.redis.hincrby(this.keys.upstream, `${host}|${status}`, 1),
    );
  }

  async read(): Promise<ClusterMetricsSnapshot> {
    const [runs, upstream, stages, last, fetched, rejected, gates] = await Promise.all([
      this.redis.hgetall(this.keys.runs),
      this.redis.hgetall(this.keys.upstream),
      this.redis.hgetall(this.keys.stageHistogram),
      this.redis.hgetall(this.keys.lastPublish),
      this.redis.hgetall(this.keys.sourceFetched),
      this.redis.hgetall(this.keys.rejected),
      this.redis.hgetall(this.keys.gateFailures),
    ]);
    const numbers = (h: Record<string, string>) =>
      Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number(v)]));
    const split = (field: string) => {
      const i = field.lastIndexOf('|');
      return [field.slice(0, i), field.slice(i + 1)] as const;
    };
    const histograms: Record<string, HistogramData> = {};
    for (const [field, value] of Object.entries(stages)) {
      const [stage, part] = split(field);
      const h = histograms[stage] ?? { buckets: {}, sum: 0, count: 0 };
      histograms[stage] = h;
      if (part === 'sum') h.sum = Number(value);
      else if (part === 'count') h.count = Number(value);
      else h.buckets[part] = Number(value);
    }
    return {
      runs: Object.entries(runs).map(([f, v]) => {
        const [status, trigger] = split(f);
        return { status, trigger, count: Number(v) };
      }),
      upstream: Object.entries(upstream).map(([f, v]) => {
        const [host, status] = split(f);
        return { host, status, count: Number(v) };
      }),
      stages: histograms,
      lastPublishSeconds: last.published ? Number(last.published) : null,
      lastSuccessSeconds: last.success ? Number(last.success) : null,
      sourceFetchedSeconds: numbers(fetched),
      rejectedBySource: numbers(rejected),
      gateFailures: numbers(gates),
    };
  }
}
