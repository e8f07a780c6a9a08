/**
 * Prometheus text exposition (format 0.0.4) of the fleet's metrics. Pure: figures in, text out.
 * Series names are the contract with dashboards and alerts; they are listed in one place here.
 */
import { type ClusterMetricsSnapshot, STAGE_BUCKETS } from './clusterMetrics.js';

export const METRIC_NAMES = {
  runs: 'careerdata_refresh_runs_total',
  stageDuration: 'careerdata_stage_duration_seconds',
  lastPublish: 'careerdata_last_publish_timestamp_seconds',
  lastSuccess: 'careerdata_last_successful_refresh_timestamp_seconds',
  snapshotAge: 'careerdata_snapshot_age_seconds',
  queueJobs: 'careerdata_queue_jobs',
  upstream: 'careerdata_upstream_requests_total',
  activeRun: 'careerdata_refresh_active',
  schedulePaused: 'careerdata_schedule_paused',
  sourceFetched: 'careerdata_source_last_fetch_timestamp_seconds',
  sourceRelease: 'careerdata_source_release_info',
  rejectedRows: 'careerdata_rejected_rows_total',
  gateFailures: 'careerdata_gate_failures_total',
  buildInfo: 'careerdata_build_info',
} as const;

export interface BuildInfo {
  version: string;
  methodology: string;
  schemaVersion: string;
}

export interface MetricsInput {
  cluster: ClusterMetricsSnapshot;
  /** queue → state → count. */
  queues: Record<string, Record<string, number>>;
  /** Age of latest in seconds; null when nothing is published yet. */
  snapshotAgeSeconds: number | null;
  activeRun: boolean;
  schedulePaused: boolean;
  /** source → releases of the latest snapshot's inputs (e.g. `oews: ["May 2024"]`). */
  releases?: Record<string, string[]>;
  build?: BuildInfo;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(l: Record<string, string>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function num(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  return String(n);
}

class Writer {
  readonly lines: string[] = [];
  head(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }
  sample(name: string, l: Record<string, string>, value: number): void {
    this.lines.push(`${name}${labels(l)} ${num(value)}`);
  }
}

export function renderMetrics(m: MetricsInput): string {
  const w = new Writer();
  w.head(
    METRIC_NAMES.runs,
    'counter',
    'Finished refresh runs by outcome (published, unchanged, blocked, failed) and trigger.',
  );
  for (const r of m.cluster.runs)
    w.sample(METRIC_NAMES.runs, { status: r.status, trigger: r.trigger }, r.count);

  w.head(METRIC_NAMES.stageDuration, 'histogram', 'Duration of each completed stage attempt, in seconds.');
  for (const [stage, h] of Object.entries(m.cluster.stages).sort(([a], [b]) => a.localeCompare(b))) {
    for (const le of STAGE_BUCKETS) {
      w.sample(`${METRIC_NAMES.stageDuration}_bucket`, { stage, le: String(le) }, h.buckets[String(le)] ?? 0);
    }
    w.sample(`${METRIC_NAMES.stageDuration}_bucket`, { stage, le: '+Inf' }, h.buckets['+Inf'] ?? h.count);
    w.sample(`${METRIC_NAMES.stageDuration}_sum`, { stage }, h.sum);
    w.sample(`${METRIC_NAMES.stageDuration}_count`, { stage }, h.count);
  }

  w.head(METRIC_NAMES.lastPublish, 'gauge', 'Unix time of the last run that published a new snapshot.');
  if (m.cluster.lastPublishSeconds !== null)
    w.sample(METRIC_NAMES.lastPublish, {}, m.cluster.lastPublishSeconds);
  w.head(
    METRIC_NAMES.lastSuccess,
    'gauge',
    'Unix time of the last run that published or confirmed the data unchanged.',
  );
  if (m.cluster.lastSuccessSeconds !== null)
    w.sample(METRIC_NAMES.lastSuccess, {}, m.cluster.lastSuccessSeconds);

  w.head(
    METRIC_NAMES.snapshotAge,
    'gauge',
    'Seconds since the latest snapshot was created (absent before the first publish).',
  );
  if (m.snapshotAgeSeconds !== null) w.sample(METRIC_NAMES.snapshotAge, {}, m.snapshotAgeSeconds);

  w.head(METRIC_NAMES.queueJobs, 'gauge', 'Jobs per queue and state.');
  for (const [queue, states] of Object.entries(m.queues)) {
    for (const [state, count] of Object.entries(states))
      w.sample(METRIC_NAMES.queueJobs, { queue, state }, count);
  }

  w.head(
    METRIC_NAMES.upstream,
    'counter',
    'Upstream HTTP attempts by host and status ("error" for network failures).',
  );
  for (const u of m.cluster.upstream)
    w.sample(METRIC_NAMES.upstream, { host: u.host, status: u.status }, u.count);

  w.head(
    METRIC_NAMES.sourceFetched,
    'gauge',
    'Unix time of the last successful fetch of each source (a 304 "not modified" counts), by any worker.',
  );
  for (const [source, at] of Object.entries(m.cluster.sourceFetchedSeconds).sort())
    w.sample(METRIC_NAMES.sourceFetched, { source }, at);
  w.head(METRIC_NAMES.sourceRelease, 'gauge', 'Release of each source in the latest snapshot (value 1).');
  for (const [source, releases] of Object.entries(m.releases ?? {}).sort())
    for (const release of releases) w.sample(METRIC_NAMES.sourceRelease, { source, release }, 1);
  w.head(
    METRIC_NAMES.rejectedRows,
    'counter',
    'Rows rejected by validation, by source, summed over finished worker runs.',
  );
  for (const [source, n] of Object.entries(m.cluster.rejectedBySource).sort())
    w.sample(METRIC_NAMES.rejectedRows, { source }, n);
  w.head(METRIC_NAMES.gateFailures, 'counter', 'Runs in which a quality gate failed, by gate.');
  for (const [gate, n] of Object.entries(m.cluster.gateFailures).sort())
    w.sample(METRIC_NAMES.gateFailures, { gate }, n);
  if (m.build) {
    w.head(
      METRIC_NAMES.buildInfo,
      'gauge',
      'Version of this server, the resilience methodology it applies and the snapshot schema version (value 1).',
    );
    w.sample(
      METRIC_NAMES.buildInfo,
      { version: m.build.version, methodology: m.build.methodology, schema_version: m.build.schemaVersion },
      1,
    );
  }

  w.head(METRIC_NAMES.activeRun, 'gauge', '1 while a refresh is queued or running.');
  w.sample(METRIC_NAMES.activeRun, {}, m.activeRun ? 1 : 0);
  w.head(METRIC_NAMES.schedulePaused, 'gauge', '1 while the nightly schedule is paused.');
  w.sample(METRIC_NAMES.schedulePaused, {}, m.schedulePaused ? 1 : 0);
  return `${w.lines.join('\n')}\n`;
}
