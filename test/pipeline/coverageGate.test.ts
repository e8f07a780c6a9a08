import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nationalRows } from '../../fixtures/generate/oewsRows.js';
import { oewsSheetRecord, oewsWorkbook, oewsZip } from '../../fixtures/generate/oewsWorkbook.js';
import { formatSummary } from '../../src/pipeline/summary.js';
import { type OfflineHarness, offlineHarness } from '../support/offlineRun.js';

const NATIONAL_ZIP = '/bls/oes/special-requests/oesm24nat.zip';

/** The fixture national workbook with every tenth detailed occupation removed. */
async function nationalWithoutEveryTenth(): Promise<{ zip: Buffer; removed: string[] }> {
  const rows = nationalRows();
  const detailed = rows.filter((r) => r.group === 'detailed');
  const removed = detailed.filter((_, i) => i % 10 === 9).map((r) => r.soc);
  const kept = rows.filter((r) => !(r.group === 'detailed' && removed.includes(r.soc)));
  const xlsx = await oewsWorkbook({ sheetName: 'national_M2024_dl', records: kept.map(oewsSheetRecord) });
  return { zip: Buffer.from(oewsZip('oesm24nat', 'national_M2024_dl.xlsx', xlsx)), removed };
}

describe('coverage gate in a refresh', { timeout: 180_000 }, () => {
  let h: OfflineHarness;
  beforeEach(async () => {
    h = await offlineHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('blocks a national workbook missing every tenth detailed occupation, naming national wages; --force publishes and records it', async () => {
    const env = { OEWS_FORMAT: 'xlsx' };
    const first = await h.refresh(env);
    expect(first.status).toBe('published');

    const { zip, removed } = await nationalWithoutEveryTenth();
    expect(removed.length).toBeGreaterThan(0);
    h.offline.server.inject(NATIONAL_ZIP, { kind: 'body', body: zip, contentType: 'application/zip' }, 2);
    const blocked = await h.refresh(env);
    expect(blocked.status).toBe('blocked');
    expect(blocked.snapshotId).toBe(first.snapshotId);
    // The records are the union with EP: the occupation count does not move, the wages do.
    const count = blocked.gateReport!.checks.find((c) => c.name === 'occupation_count')!;
    expect(count.status).toBe('pass');
    const failed = blocked.gateReport!.checks.filter((c) => c.status === 'fail');
    // State wages are read only for occupations OEWS publishes nationally, so they go too.
    expect(failed.map((c) => c.name)).toEqual(['coverage', 'coverage']);
    expect(failed.map((c) => c.part)).toEqual(['national wages', 'state wages']);
    const national = failed[0]!.details as { before: number; after: number; lostSample: string[] };
    expect(national.lostSample).toEqual(removed);
    expect(national.before - national.after).toBeCloseTo(removed.length / first.occupations, 10);
    expect(formatSummary(blocked, 'var/snapshots')).toMatch(
      /gate failed: coverage of national wages fell from .* to .*GATE_MAX_COVERAGE_DROP/,
    );

    const forced = await h.refresh(env, { force: true });
    expect(forced.status).toBe('published');
    const manifest = JSON.parse(
      await readFile(path.join(h.dir, 'snapshots', forced.snapshotId!, 'manifest.json'), 'utf8'),
    );
    expect(manifest.forced).toBe(true);
    expect(manifest.gates.forced).toBe(true);
    expect(manifest.gates.checks.find((c: { part?: string }) => c.part === 'national wages').status).toBe(
      'fail',
    );
  });
});
