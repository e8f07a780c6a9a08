/** The narrower dependency sets of finishRun/requestRefresh, taken from a worker's JobDeps. */

import type { FinishDeps } from '../runs/finishRun.js';
import type { RequestDeps } from '../runs/requestRefresh.js';
import type { JobDeps } from './jobDeps.js';

export function finishDepsOf(deps: JobDeps): FinishDeps {
  return {
    runs: deps.runs,
    log: deps.log,
    metrics: deps.metrics,
    events: deps.events,
    stageFiles: deps.stageFiles,
    latestId: () => deps.base.store.latestId(),
    now: deps.now,
  };
}

export function requestDepsOf(deps: JobDeps): RequestDeps {
  return { ...finishDepsOf(deps), config: deps.config, flows: deps.flows, queues: deps.queues };
}
