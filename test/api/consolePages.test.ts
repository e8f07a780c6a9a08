import { describe, expect, it } from 'vitest';
import { html } from '../../src/api/console/html.js';
import { runPage } from '../../src/api/console/pages.js';
import { fromWorkerRun } from '../../src/api/console/runsView.js';
import type { RunRecord } from '../../src/queue/runs/runStore.js';

describe('console pages', () => {
  it('escape every value they are given', () => {
    const evil = '<script>alert("x")</script>';
    expect(html`<td>${evil}</td>`.text).toBe('<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td>');
    expect(html`<a title='${"'"}'>`.text).toBe("<a title='&#39;'>");
  });

  it('show a failed queued run as one failure with its root cause, not one per job', () => {
    const record: RunRecord = {
      runId: 'run-20261127T030000Z-abcdef',
      trigger: 'schedule',
      sources: ['oews', 'ep'],
      force: false,
      queuedAt: '2026-11-27T03:00:00.000Z',
      status: 'failed',
      startedAt: '2026-11-27T03:00:01.000Z',
      finishedAt: '2026-11-27T03:00:09.000Z',
      stages: {
        'fetch:oews': {
          state: 'failed',
          startedAt: '2026-11-27T03:00:01.000Z',
          attempt: 4,
          error: 'oews oe.data.0.Current: 503 from https://download.bls.gov/…',
        },
        'fetch:ep': {
          state: 'done',
          startedAt: '2026-11-27T03:00:01.000Z',
          finishedAt: '2026-11-27T03:00:02.000Z',
          ms: 900,
          attempt: 1,
        },
      },
      outcome: {
        status: 'failed',
        snapshotId: '20261126T030000Z-1a2b3c4d',
        previousId: null,
        occupations: 0,
        rejectedRows: 0,
        downloadedBytes: 0,
        error: 'oews oe.data.0.Current: 503 from https://download.bls.gov/…',
        failedStage: 'fetch:oews',
      },
    };
    const text = runPage(fromWorkerRun(record), Date.parse('2026-11-27T03:00:10Z')).text;
    const why = /<h2>Why it failed<\/h2>(.*?)<\/section>/s.exec(text)?.[1] ?? '';
    expect(why).toContain('fetch:oews');
    expect(why).toContain('503 from https://download.bls.gov/');
    expect(why.match(/class="error"/g)).toHaveLength(1);
    expect(text).not.toMatch(/child .* failed/);
  });
});
