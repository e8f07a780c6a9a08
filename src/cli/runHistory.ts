/**
 * Which run history a command uses: Redis when REDIS_URL is set (where the workers record theirs),
 * else files under RUNS_DIR. Embedded runs are recorded in the same place, so `careerdata runs`
 * reads one history.
 */
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { FileRunHistory, type RunHistory, runRecordOf } from '../pipeline/runHistory.js';
import type { RefreshSummary, StageName } from '../pipeline/summary.js';
import { RunStore } from '../queue/runs/runStore.js';
import { keys } from '../queue/wiring/names.js';

export function fileRunHistory(config: Pick<Config, 'RUNS_DIR'>): FileRunHistory {
  return new FileRunHistory(path.resolve(config.RUNS_DIR));
}

/** Record an embedded run; if Redis refuses, in RUNS_DIR instead, saying so. */
export async function recordEmbeddedRun(
  config: Pick<Config, 'RUNS_DIR' | 'QUEUE_PREFIX'>,
  log: Logger,
  redis: Redis | undefined,
  summary: RefreshSummary,
  opts: { force: boolean; stageStarts?: Partial<Record<StageName, string>> },
): Promise<void> {
  const record = runRecordOf(summary, opts);
  const history: RunHistory = redis ? new RunStore(redis, keys(config.QUEUE_PREFIX)) : fileRunHistory(config);
  try {
    await history.recordFinished(record);
  } catch (err) {
    if (!redis) throw err;
    log.warn(
      { err: errorMessage(err), runId: summary.runId },
      `could not record the run in Redis: kept in ${config.RUNS_DIR} instead`,
    );
    await fileRunHistory(config).recordFinished(record);
  }
}
