/** Every job handler by job name: what a worker process runs (registered by the entry point, main.ts). */

import { JOB } from '../src/queue/wiring/names.js';
import type { JobHandlers } from '../src/queue/worker/processor.js';
import { buildScoreJob } from './buildScore.js';
import { careerOneStopStageJob } from './careerOneStop.js';
import { careerOneStopOccupationJob } from './careerOneStopOccupation.js';
import { fetchSourceJob } from './fetchSource.js';
import { freshnessWatchdogJob } from './freshnessWatchdog.js';
import { publishJob } from './publish.js';
import { readValidateJob } from './readValidate.js';
import { scheduledRefreshJob } from './scheduledRefresh.js';

export const JOB_HANDLERS: JobHandlers = {
  [JOB.fetch]: fetchSourceJob,
  [JOB.read]: readValidateJob,
  [JOB.careeronestop]: careerOneStopStageJob,
  [JOB.careerOneStopOccupation]: careerOneStopOccupationJob,
  [JOB.build]: buildScoreJob,
  [JOB.publish]: publishJob,
  [JOB.scheduledRefresh]: scheduledRefreshJob,
  [JOB.watchdog]: freshnessWatchdogJob,
};
