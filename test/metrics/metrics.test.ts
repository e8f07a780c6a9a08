import { describe, expect, it } from 'vitest';
import { checkAdmin, presentedToken } from '../../src/api/admin/auth.js';
import { renderMetrics } from '../../src/metrics/exposition.js';

describe('Prometheus exposition', () => {
  const text = renderMetrics({
    cluster: {
      runs: [{ status: 'failed', trigger: 'schedule', count: 2 }],
      upstream: [{ host: 'api.careeronestop.org', status: '429', count: 7 }],
      stages: { fetch: { buckets: { '0.1': 1, '0.5': 2, '1': 3, '+Inf': 4 }, sum: 9.5, count: 4 } },
      lastPublishSeconds: 1_795_000_000,
      lastSuccessSeconds: null,
      sourceFetchedSeconds: { oews: 1_795_000_100 },
      rejectedBySource: { oews: 3 },
      gateFailures: { wage_shift: 1 },
    },
    releases: { oews: ['May 2024'] },
    build: { version: '0.2.0', methodology: '2.0', schemaVersion: '1.1.0' },
    queues: { refresh: { waiting: 1, active: 0 } },
    snapshotAgeSeconds: 120,
    activeRun: true,
    schedulePaused: false,
  });

  it('writes counters, gauges and a cumulative histogram with HELP and TYPE lines', () => {
    expect(text).toContain('# TYPE careerdata_refresh_runs_total counter');
    expect(text).toContain('careerdata_refresh_runs_total{status="failed",trigger="schedule"} 2');
    expect(text).toContain('careerdata_upstream_requests_total{host="api.careeronestop.org",status="429"} 7');
    expect(text).toContain('careerdata_stage_duration_seconds_bucket{stage="fetch",le="0.5"} 2');
    expect(text).toContain('careerdata_stage_duration_seconds_bucket{stage="fetch",le="5"} 0');
    expect(text).toContain('careerdata_stage_duration_seconds_bucket{stage="fetch",le="+Inf"} 4');
    expect(text).toContain('careerdata_stage_duration_seconds_sum{stage="fetch"} 9.5');
    expect(text).toContain('careerdata_queue_jobs{queue="refresh",state="waiting"} 1');
    expect(text).toContain('careerdata_snapshot_age_seconds 120');
    expect(text).toContain('careerdata_refresh_active 1');
    expect(text).toContain('careerdata_source_last_fetch_timestamp_seconds{source="oews"} 1795000100');
    expect(text).toContain('careerdata_source_release_info{source="oews",release="May 2024"} 1');
    expect(text).toContain('careerdata_rejected_rows_total{source="oews"} 3');
    expect(text).toContain('careerdata_gate_failures_total{gate="wage_shift"} 1');
    expect(text).toContain(
      'careerdata_build_info{version="0.2.0",methodology="2.0",schema_version="1.1.0"} 1',
    );
    expect(text.endsWith('\n')).toBe(true);
  });

  it('leaves a gauge without a sample rather than inventing one', () => {
    expect(text).toContain('# TYPE careerdata_last_successful_refresh_timestamp_seconds gauge');
    expect(text).not.toMatch(/^careerdata_last_successful_refresh_timestamp_seconds /m);
  });
});

describe('the admin token check', () => {
  it('accepts Bearer and Basic (token as password), rejects the rest', () => {
    const token = 'a-long-admin-token-123';
    expect(checkAdmin(`Bearer ${token}`, token)).toBe('ok');
    expect(checkAdmin(`Basic ${Buffer.from(`anyone:${token}`).toString('base64')}`, token)).toBe('ok');
    expect(checkAdmin('Bearer a-long-admin-token-124', token)).toBe('wrong');
    expect(checkAdmin(undefined, token)).toBe('missing');
    expect(checkAdmin('Token abc', token)).toBe('malformed');
    expect(checkAdmin(`Bearer ${token} junk`, token)).toBe('malformed');
    expect(checkAdmin(`Bearer  ${token}  `, token)).toBe('ok');
    expect(checkAdmin(`Bearer ${token}`, undefined)).toBe('disabled');
    expect(presentedToken('Basic bm9jb2xvbg==')).toBeUndefined();
  });
});
