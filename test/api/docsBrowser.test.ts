import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../src/api/server.js';
import { DEFAULT_GATE_CONFIG } from '../../src/gates/report.js';
import { publishSnapshot } from '../../src/pipeline/publish/publishSnapshot.js';
import { SnapshotStore } from '../../src/store/snapshotStore.js';
import { candidate, occupations, steppingClock, tempDir } from '../store/support.js';
import { hasChromium, launchChromium } from '../support/chromium.js';

describe.skipIf(!hasChromium)('/docs in chromium', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let api: RunningApi;
  let browser: Browser;

  beforeAll(async () => {
    tmp = await tempDir('careerdata-docs-');
    const store = new SnapshotStore({ dir: tmp.dir, now: steppingClock() });
    await publishSnapshot(store, candidate(occupations(3)), { gates: DEFAULT_GATE_CONFIG });
    api = await startApi({ store, host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await tmp?.cleanup();
  });

  it('renders the API reference from assets served by the API, requesting no other host', {
    timeout: 60_000,
  }, async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    const failures: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => failures.push(`${r.url()} ${r.failure()?.errorText}`));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });

    const res = await page.goto(`${api.url}/docs`, { waitUntil: 'networkidle' });
    expect(res?.status()).toBe(200);
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 30_000 });
    expect(await page.locator('.swagger-ui .info .title').textContent()).toMatch(/careerdata API/);
    // Operations of every tag are listed, the admin ones with their lock.
    await page.locator('#operations-occupations-getOccupation').waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(15);
    await page.locator('#operations-admin-requestRefresh .authorization__btn').waitFor();
    // Open the record operation: the 29-2072 example is shown.
    await page.locator('#operations-occupations-getOccupation .opblock-summary').click();
    await expect
      .poll(() => page.locator('#operations-occupations-getOccupation').textContent())
      .toMatch(/29-2072/);

    const origin = new URL(api.url).origin;
    const foreign = requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
    expect(foreign).toEqual([]);
    expect(requests).toContain(`${origin}/v1/openapi.json`);
    expect(failures).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
