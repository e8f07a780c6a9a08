/** Test helpers: an offline environment plus a run context over temp dirs. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { type OfflineEnvironment, startOfflineEnvironment } from '../../src/offline/offlineEnvironment.js';
import { embeddedRunIO } from '../../src/pipeline/embeddedRunIO.js';
import { type RefreshOptions, runRefresh } from '../../src/pipeline/refresh.js';
import {
  closeRunContext,
  createRunContext,
  newRunId,
  type RunContext,
} from '../../src/pipeline/runContext.js';

export interface OfflineHarness {
  dir: string;
  offline: OfflineEnvironment;
  config(extra?: Record<string, string>): Config;
  refresh(extra?: Record<string, string>, opts?: Partial<RefreshOptions>): ReturnType<typeof runRefresh>;
  context(extra?: Record<string, string>): RunContext;
  close(): Promise<void>;
}

export async function offlineHarness(): Promise<OfflineHarness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-test-'));
  const offline = await startOfflineEnvironment({ port: 0 });
  const contexts: RunContext[] = [];
  const config = (extra: Record<string, string> = {}) =>
    loadConfig({
      ...offline.env,
      SNAPSHOT_DIR: path.join(dir, 'snapshots'),
      CACHE_DIR: path.join(dir, 'cache'),
      RUNS_DIR: path.join(dir, 'runs'),
      HTTP_RETRY_BASE_DELAY: '5ms',
      HTTP_RETRY_MAX_DELAY: '50ms',
      HTTP_HEADERS_TIMEOUT: '2s',
      HTTP_BODY_TIMEOUT: '2s',
      LOG_LEVEL: 'silent',
      ...extra,
    });
  const context = (extra: Record<string, string> = {}) => {
    const c = config(extra);
    const ctx = createRunContext(c, silentLogger, embeddedRunIO(c, silentLogger));
    contexts.push(ctx);
    return ctx;
  };
  return {
    dir,
    offline,
    config,
    context,
    refresh: (extra = {}, opts = {}) =>
      runRefresh(context(extra), { runId: newRunId(), trigger: 'cli', ...opts }),
    close: async () => {
      for (const c of contexts) await closeRunContext(c);
      await offline.close().catch(() => {}); // a test may have closed it already
      await rm(dir, { recursive: true, force: true });
    },
  };
}
