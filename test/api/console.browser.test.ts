import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JOB_HANDLERS } from '../../jobs/index.js';
import { type RunningApi, startApi } from '../../src/api/server.js';
import { SOURCE_IDS } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { GENERATED_DIR } from '../../src/offline/offlineEnvironment.js';
import { embeddedRunIO } from '../../src/pipeline/embeddedRunIO.js';
import { runRefresh } from '../../src/pipeline/refresh.js';
import { closeRunContext, createRunContext, newRunId } from '../../src/pipeline/runContext.js';
import { FileRunHistory, runRecordOf } from '../../src/pipeline/runHistory.js';
import type { RefreshSummary } from '../../src/pipeline/summary.js';
import { startWorkerProcess, type WorkerProcess } from '../../src/queue/worker/workerProcess.js';
import { type QueueHarness, queueHarness, REPO_ROOT } from '../queue/support/harness.js';
import { hasChromium, launchChromium } from '../support/chromium.js';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const TOKEN = 'console-admin-token-5e9b2f';
const redisUrl = inject('redisUrl');

describe.skipIf(!hasChromium)('the operator console in Chromium', { timeout: 180_000 }, () => {
  let h: QueueHarness;
  let api: RunningApi;
  let worker: WorkerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let published: RefreshSummary;
  let blocked: RefreshSummary;
  /** Every URL the browser asked for, from every page of the context. */
  const requested: string[] = [];

  const refresh = async (extra: Record<string, string> = {}) => {
    const config = h.config(extra);
    const ctx = createRunContext(config, silentLogger, embeddedRunIO(config, silentLogger));
    try {
      const summary = await runRefresh(ctx, { runId: newRunId(), trigger: 'cli' });
      await new FileRunHistory(path.join(h.dir, 'runs')).recordFinished(
        runRecordOf(summary, { force: false }),
      );
      return summary;
    } finally {
      await closeRunContext(ctx);
    }
  };

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    h = await queueHarness(redisUrl, { ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'silent' });
    published = await refresh();
    // The next OEWS file moves 29-2072's median wage by 26 %: the wage-shift gate blocks it.
    const dataPath = path.join(GENERATED_DIR, 'bls/pub/time.series/oe/oe.data.0.Current');
    const lines = (await readFile(dataPath, 'utf8')).split('\n');
    const i = lines.findIndex((l) => l.startsWith('OEUN000000000000029207213'));
    const cells = lines[i]!.split('\t');
    cells[3] = '63500';
    lines[i] = cells.join('\t');
    h.offline.server.inject(
      '/bls/pub/time.series/oe/oe.data.0.Current',
      { kind: 'body', body: lines.join('\n') },
      2,
    );
    blocked = await refresh({ GATE_MAX_WAGE_SHIFT_SHARE: '0.01' });
    expect(published.status).toBe('published');
    expect(blocked.status).toBe('blocked');

    worker = await startWorkerProcess(h.config(), silentLogger, { handlers: JOB_HANDLERS });
    const store = h.store();
    api = await startApi({
      store,
      log: silentLogger,
      host: '127.0.0.1',
      port: 0,
      admin: { config: h.config(), store, log: silentLogger },
    });
    browser = await launchChromium();
    // "Logging in": the console answers 401 with a Basic challenge; the browser sends these.
    context = await browser.newContext({
      httpCredentials: { username: 'ops-alice', password: TOKEN },
      viewport: { width: 1280, height: 900 },
    });
    context.on('request', (req) => requested.push(req.url()));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await worker?.stop('test done');
    await h?.close();
  });

  it('asks for a login and refuses a wrong one', async () => {
    const anonymous = await browser.newContext();
    const res = await anonymous.request.get(`${api.url}/admin`);
    expect(res.status()).toBe(401);
    expect(res.headers()['www-authenticate']).toMatch(/^Basic/);
    await anonymous.close();
    const wrong = await browser.newContext({ httpCredentials: { username: 'ops', password: `${TOKEN}x` } });
    expect((await wrong.request.get(`${api.url}/admin`)).status()).toBe(401);
    await wrong.close();
  });

  it('shows the latest snapshot, its sources, and the runs', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/admin`);
    const now = page.locator('#now');
    await expect.poll(() => now.textContent()).toContain(published.snapshotId!);
    const text = (await now.textContent()) ?? '';
    expect(text).toMatch(/occupations\s*\d+/);
    expect(text).toMatch(/schema version\s*\d+\.\d+\.\d+/);
    expect(text).toMatch(/methodology\s*2\.0/);
    expect(text).toMatch(/Next scheduled run: .*America\/New_York/);
    const sources = (await page.locator('#sources').textContent()) ?? '';
    for (const s of ['oews', 'ep', 'exposure', 'epoch', 'careeronestop']) expect(sources).toContain(s);
    expect(sources).toContain('May 2024');
    expect(await page.locator('table').last().textContent()).toContain(blocked.runId);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-now.png'), fullPage: true });
    await page.close();
  });

  it("opens a blocked run and shows the failed gate's numbers and example occupations", async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/admin/runs`);
    await page.click(`a[href="/admin/runs/${blocked.runId}"]`);
    await page.waitForURL(`**/admin/runs/${blocked.runId}`);
    const body = (await page.textContent('main')) ?? '';
    expect(body).toContain('blocked');
    const gateRow = page.locator('tr', { hasText: 'wage_shift' });
    const row = (await gateRow.textContent()) ?? '';
    expect(row).toContain('fail');
    expect(row).toContain('0.01'); // the threshold (GATE_MAX_WAGE_SHIFT_SHARE)
    expect(row).toMatch(/1 of \d+ occupations/);
    expect(row).toContain('29-2072'); // the example SOC
    expect(body).toMatch(/Stage timeline/);
    expect(body).toMatch(/Quality report/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-blocked-run.png'), fullPage: true });
    await page.close();
  });

  it('triggers a refresh after a confirmation, records who asked, and shows the run', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/admin/actions`);
    const form = page.locator('form[action="/admin/actions/refresh"]');
    await form.locator('input[name="why"]').fill('browser test');
    await form.locator('button').click();
    await page.waitForURL('**/admin/actions/refresh');
    expect(await page.textContent('main')).toContain(
      `Trigger a refresh of ${SOURCE_IDS.join(', ')}, asked by ops-alice`,
    );
    await page.click('button:has-text("Confirm")');
    await page.waitForURL(/\/admin\/runs\/run-/);
    const runId = /\/admin\/runs\/(run-[^?]+)/.exec(page.url())![1]!;
    expect(await page.textContent('.notice')).toContain(`Refresh ${runId} queued`);
    await page.goto(`${api.url}/admin/runs`);
    const row = page.locator('tr', { hasText: runId });
    expect(await row.textContent()).toContain('ops-alice');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-runs.png'), fullPage: true });
    // The run ends (the worker is in-process) and its page says how.
    await expect
      .poll(
        async () => {
          await page.goto(`${api.url}/admin/runs/${runId}`);
          return page.textContent('main');
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toMatch(/status\s*(published|unchanged)/);
    await page.goto(`${api.url}/admin/actions`);
    expect(await page.locator('section', { hasText: 'Recent actions' }).textContent()).toContain(
      'browser test',
    );
    await page.close();
  });

  it('refuses an action posted from another site with the saved login', async () => {
    const forged: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of forged) {
      const res = await context.request.post(`${api.url}/admin/actions/rollback`, {
        headers,
        form: { id: published.snapshotId!, why: 'forged', who: 'mallory', confirm: 'yes' },
      });
      expect(res.status(), JSON.stringify(headers)).toBe(403);
    }
    expect(await h.store().latestId()).not.toBeNull();
    const history = await h.store().historyEntries();
    expect(history.some((e) => e.type === 'rolled_back')).toBe(false);
  });

  it('shows the last publish diff and links each snapshot to its diff', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/admin/changes`);
    const body = (await page.textContent('main')) ?? '';
    expect(body).toMatch(/added\s*\d+/);
    expect(
      await page.locator(`a[href="/admin/snapshots/${published.snapshotId}/diff"]`).count(),
    ).toBeGreaterThan(0);
    await page.close();
  });

  it('fits a phone screen without sideways scrolling of the page', async () => {
    const phone = await browser.newContext({
      httpCredentials: { username: 'ops-alice', password: TOKEN },
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    phone.on('request', (req) => requested.push(req.url()));
    const page = await phone.newPage();
    await page.goto(`${api.url}/admin`);
    // Evaluated in the page (a string, so the test needs no DOM types).
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-phone.png'), fullPage: true });
    await phone.close();
  });

  it('links bull-board, which is read-only and loads nothing from another host', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/admin`);
    await page.click('a[href="/admin/queues"]');
    await page.waitForLoadState('networkidle');
    expect(await page.title()).toBe('careerdata queues');
    const res = await page.request.put(`${api.url}/admin/queues/api/queues/refresh/retry/failed`);
    expect(res.status()).toBe(405);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-queues.png') });
    await page.close();
  });

  it('never makes a request to another host', () => {
    const origin = new URL(api.url);
    expect(requested.length).toBeGreaterThan(10);
    const elsewhere = requested.filter((u) => !u.startsWith('data:') && new URL(u).host !== origin.host);
    expect(elsewhere).toEqual([]);
  });
});
