/**
 * scheduled-refresh (control queue): produced by the nightly job scheduler. Asks for a refresh with
 * a run id derived from the scheduler job, so a retried control job cannot start a second run.
 */

import { ControlPayload, parsePayload } from '../src/queue/handOver/payloads.js';
import { type RefreshTicket, requestRefresh } from '../src/queue/runs/requestRefresh.js';
import { derivedRunId } from '../src/queue/wiring/names.js';
import { requestDepsOf } from '../src/queue/worker/depsAdapters.js';
import type { JobHandler } from '../src/queue/worker/jobDeps.js';

export const scheduledRefreshJob: JobHandler<RefreshTicket> = async (deps, job) => {
  const p = parsePayload(ControlPayload, job.data ?? {}, job.name);
  const ticket = await requestRefresh(requestDepsOf(deps), {
    trigger: p.trigger,
    runId: derivedRunId(new Date(job.timestamp), `${job.id}`),
  });
  deps.log.info(
    { runId: ticket.runId, created: ticket.created, trigger: p.trigger },
    ticket.created ? 'scheduled refresh queued' : 'scheduled refresh: a run is already active',
  );
  return ticket;
};
