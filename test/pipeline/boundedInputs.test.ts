import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nationalRows } from '../../fixtures/generate/oewsRows.js';
import { oewsSheetRecord, oewsWorkbook, oewsZip } from '../../fixtures/generate/oewsWorkbook.js';
import { GENERATED_DIR } from '../../src/offline/offlineEnvironment.js';
import { FileRunHistory, runRecordOf } from '../../src/pipeline/runHistory.js';
import type { RefreshSummary } from '../../src/pipeline/summary.js';
import { deflateBomb, writeStreamed, xlsxWithPart, xlsxWithSharedString } from '../support/hugeInputs.js';
import { type OfflineHarness, offlineHarness } from '../support/offlineRun.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const NATIONAL_ZIP = '/bls/oes/special-requests/oesm24nat.zip';
const nationalXlsx = () =>
  oewsWorkbook({ sheetName: 'national_M2024_dl', records: nationalRows().map(oewsSheetRecord) });
const zipped = (xlsx: Uint8Array) => Buffer.from(oewsZip('oesm24nat', 'national_M2024_dl.xlsx', xlsx));

/** Every file a run wrote (snapshots, blocked reports, history, run records, cache bookkeeping), not the raw inputs. */
async function writtenFiles(h: OfflineHarness): Promise<string[]> {
  const out: string[] = [];
  for (const top of ['snapshots', 'runs', 'cache']) {
    const dir = path.join(h.dir, top);
    const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
    for (const name of names.map(String)) {
      if (top === 'cache' && name.startsWith('blobs')) continue; // the downloaded inputs themselves
      if ((await stat(path.join(dir, name))).isFile()) out.push(path.join(dir, name));
    }
  }
  return out;
}

/** No written file holds more than 200 characters of the hostile value. */
async function expectNothingCopied(h: OfflineHarness, summary: RefreshSummary, filler: string) {
  await new FileRunHistory(path.join(h.dir, 'runs')).recordFinished(runRecordOf(summary, { force: false }));
  const run = filler.repeat(201);
  const files = await writtenFiles(h);
  expect(files.some((f) => f.includes(`${path.sep}runs${path.sep}`))).toBe(true);
  for (const f of files) {
    const text = await readFile(f, 'latin1');
    expect(text.includes(run), f).toBe(false);
    expect(text.length, f).toBeLessThan(5_000_000);
  }
}

describe('bounded reading through a whole refresh', { timeout: 180_000 }, () => {
  let h: OfflineHarness;
  beforeEach(async () => {
    h = await offlineHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('refuses a 50 MB workbook cell, names the file and the setting, and copies none of it anywhere', async () => {
    const first = await h.refresh({ OEWS_FORMAT: 'xlsx' });
    expect(first.status).toBe('published');
    const huge = 'X'.repeat(50 * 2 ** 20);
    const xlsx = xlsxWithSharedString(await nationalXlsx(), 'Medical Records Specialists', huge);
    h.offline.server.inject(NATIONAL_ZIP, { kind: 'body', body: zipped(xlsx) });
    const summary = await h.refresh({ OEWS_FORMAT: 'xlsx' });
    expect(summary.status).toBe('failed');
    expect(summary.error).toMatch(
      /national_M2024_dl\.xlsx: a cell of xl\/sharedStrings\.xml .*READ_MAX_CELL_CHARS/,
    );
    expect(summary.snapshotId).toBe(first.snapshotId);
    await expectNothingCopied(h, summary, 'X');
  });

  it('rejects the row of a cell longer than READ_MAX_CELL_CHARS (within the XML bound) and publishes the rest', async () => {
    const long = 'Y'.repeat(20_000);
    const xlsx = xlsxWithSharedString(await nationalXlsx(), 'Medical Records Specialists', long);
    h.offline.server.inject(NATIONAL_ZIP, { kind: 'body', body: zipped(xlsx) });
    const summary = await h.refresh({ OEWS_FORMAT: 'xlsx', MAX_REJECTED_SHARE: '0.2' });
    expect(summary.status).toBe('published');
    const reject = summary.quality.rejects.find((r) => r.reason === 'cell too long')!;
    expect(reject).toMatchObject({ field: 'OCC_TITLE', file: 'national_M2024_dl.xlsx' });
    expect(reject.got).toMatch(/truncated: 20000 characters in all/);
    await expectNothingCopied(h, summary, 'Y');
  });

  it('refuses a 100 MB line without a newline in the flat data file, naming READ_MAX_LINE_BYTES', async () => {
    const dir = path.join(h.dir, 'upstream');
    await mkdir(dir);
    const oe = path.join(GENERATED_DIR, 'bls/pub/time.series/oe');
    for (const f of ['oe.occupation', 'oe.area', 'oe.release'])
      await copyFile(path.join(oe, f), path.join(dir, f));
    const header = (await readFile(path.join(oe, 'oe.data.0.Current'), 'utf8')).split('\n')[0]!;
    await writeStreamed(
      path.join(dir, 'oe.data.0.Current'),
      `${header}\nOEUN0000000000000`,
      0x37,
      100 * 2 ** 20,
    );
    const summary = await h.refresh({ OEWS_FLATFILES_URL: `${pathToFileURL(dir).href}/` });
    expect(summary.status).toBe('failed');
    expect(summary.error).toMatch(
      /oe\.data\.0\.Current: line 2 is longer than 1048576 bytes.*READ_MAX_LINE_BYTES/,
    );
    await expectNothingCopied(h, summary, '7');
  });

  it('refuses a workbook whose sheet inflates to 5 GiB before inflating it, naming XLSX_MAX_PART_BYTES', async () => {
    const bomb = deflateBomb(Buffer.alloc(1 << 20, 0x20), 5 * 1024); // 5 GiB of spaces, ~5 MB deflated
    const xlsx = xlsxWithPart(await nationalXlsx(), 'xl/worksheets/sheet1.xml', bomb, 0xfffffffe);
    h.offline.server.inject(NATIONAL_ZIP, { kind: 'body', body: zipped(xlsx) });
    const summary = await h.refresh({ OEWS_FORMAT: 'xlsx' });
    expect(summary.status).toBe('failed');
    expect(summary.error).toMatch(
      /xl\/worksheets\/sheet1\.xml declares 4294967294 bytes inflated.*XLSX_MAX_PART_BYTES/,
    );
  });

  it('stops inflating a sheet that declares a small size but inflates to 5 GiB', async () => {
    const bomb = deflateBomb(Buffer.alloc(1 << 20, 0x20), 5 * 1024);
    const xlsx = xlsxWithPart(await nationalXlsx(), 'xl/worksheets/sheet1.xml', bomb, 1_000_000);
    h.offline.server.inject(NATIONAL_ZIP, { kind: 'body', body: zipped(xlsx) });
    const summary = await h.refresh({ OEWS_FORMAT: 'xlsx' });
    expect(summary.status).toBe('failed');
    expect(summary.error).toMatch(/national_M2024_dl\.xlsx/);
    expect(summary.error).toMatch(/READ_MAX_CELL_CHARS|too many bytes/);
  });
});

describe('temporary files of a read', { timeout: 180_000 }, () => {
  let h: OfflineHarness;
  beforeEach(async () => {
    h = await offlineHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('live under CACHE_DIR/tmp, and one left by a SIGKILLed read is gone once the next run has started', async () => {
    const tempDir = path.join(h.dir, 'cache', 'tmp');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO, 'test/support/tempFileChild.ts')],
      {
        cwd: REPO,
        env: {
          ...process.env,
          ZIP: path.join(GENERATED_DIR, 'bls/oes/special-requests/oesm24nat.zip'),
          TEMP_DIR: tempDir,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    const left = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /ready (.+)\n/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', () => reject(new Error(`child exited before reading: ${out}`)));
    });
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(path.dirname(left)).toBe(tempDir);
    expect(existsSync(left)).toBe(true);

    const summary = await h.refresh({ OEWS_FORMAT: 'xlsx' });
    expect(summary.status).toBe('published');
    expect(existsSync(left)).toBe(false);
    expect(await readdir(tempDir)).toEqual([]);
  });
});
