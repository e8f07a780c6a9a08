import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nationalRows } from '../../fixtures/generate/oewsRows.js';
import { oewsSheetRecord, oewsWorkbook, oewsZip } from '../../fixtures/generate/oewsWorkbook.js';
import { GENERATED_DIR } from '../../src/offline/offlineEnvironment.js';
import { type OfflineHarness, offlineHarness } from '../support/offlineRun.js';

const OE = path.join(GENERATED_DIR, 'bls/pub/time.series/oe');

/** `text` with the bytes of `target` (its first occurrence) changed so that they are not UTF-8. */
function notUtf8(bytes: Buffer, target: string): Buffer {
  const at = bytes.indexOf(target);
  if (at < 0) throw new Error(`no ${target}`);
  const out = Buffer.from(bytes);
  out[at + 1] = 0xc3; // a lead byte followed by an ASCII byte: invalid
  return out;
}

describe('text that is not UTF-8 never becomes U+FFFD silently', { timeout: 180_000 }, () => {
  let h: OfflineHarness;
  beforeEach(async () => {
    h = await offlineHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('rejects the oe.occupation row whose title has invalid bytes, and publishes no U+FFFD', async () => {
    const body = notUtf8(await readFile(path.join(OE, 'oe.occupation')), 'Medical Records Specialists');
    h.offline.server.inject('/bls/pub/time.series/oe/oe.occupation', { kind: 'body', body });
    const summary = await h.refresh({ MAX_REJECTED_SHARE: '0.5' });
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('published');
    expect(summary.quality.rejects).toContainEqual(
      expect.objectContaining({ file: 'oe.occupation', row: 26, reason: 'not valid UTF-8' }),
    );
    const ndjson = await readFile(
      path.join(h.dir, 'snapshots', summary.snapshotId!, 'occupations.ndjson'),
      'utf8',
    );
    expect(ndjson).not.toContain('\uFFFD');
  });

  it('fails the file when its header is not UTF-8', async () => {
    const body = notUtf8(await readFile(path.join(OE, 'oe.area')), 'area_name');
    h.offline.server.inject('/bls/pub/time.series/oe/oe.area', { kind: 'body', body });
    const summary = await h.refresh();
    expect(summary.status).toBe('failed');
    expect(summary.error).toMatch(/oe\.area: the header \(line 1\) is not valid UTF-8/);
  });

  it('fails a workbook whose XML is not UTF-8 (a part of an xlsx must be), naming the part', async () => {
    const { unzipSync, zipSync } = await import('fflate');
    const xlsx = await oewsWorkbook({
      sheetName: 'national_M2024_dl',
      records: nationalRows().map(oewsSheetRecord),
    });
    const files = unzipSync(xlsx);
    files['xl/sharedStrings.xml'] = new Uint8Array(
      notUtf8(Buffer.from(files['xl/sharedStrings.xml']!), 'Medical Records'),
    );
    const zip = Buffer.from(oewsZip('oesm24nat', 'national_M2024_dl.xlsx', zipSync(files)));
    h.offline.server.inject('/bls/oes/special-requests/oesm24nat.zip', { kind: 'body', body: zip });
    const summary = await h.refresh({ OEWS_FORMAT: 'xlsx' });
    expect(summary.status).toBe('failed');
    expect(summary.error).toMatch(/national_M2024_dl\.xlsx: xl\/sharedStrings\.xml is not valid UTF-8/);
  });
});
