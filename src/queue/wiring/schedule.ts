/**
 * The nightly schedule and the freshness watchdog as BullMQ job schedulers, registered from one
 * place (worker start-up). `upsertJobScheduler` is keyed by a fixed id, so any number of replicas
 * starting at once leave exactly one scheduler each. Pausing is a flag in Redis that start-up
 * honours, so a restarting replica does not quietly resume a paused schedule.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import { RETENTION } from './flow.js';
import { JOB, type Keys, SCHEDULER_IDS } from './names.js';

export class ScheduleConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleConfigError';
  }
}

export type ScheduleConfig = Pick<
  Config,
  'REFRESH_CRON' | 'REFRESH_TZ' | 'WATCHDOG_INTERVAL' | 'QUEUE_BACKOFF_DELAY'
>;

/** A time zone the runtime knows (an IANA name such as America/New_York). */
export function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new ScheduleConfigError(
      `REFRESH_TZ: "${tz}" is not a known IANA time zone (e.g. America/New_York, UTC)`,
    );
  }
}

const controlJobOpts = (config: ScheduleConfig) => ({
  attempts: 3,
  backoff: { type: 'exponential' as const, delay: config.QUEUE_BACKOFF_DELAY },
  removeOnComplete: RETENTION.completed,
  removeOnFail: RETENTION.failed,
});

export async function ensureSchedules(
  control: Queue,
  redis: Redis,
  keys: Keys,
  config: ScheduleConfig,
  log: Logger,
): Promise<{ nightly: 'registered' | 'paused'; watchdog: 'registered' | 'off' }> {
  checkTimeZone(config.REFRESH_TZ);
  let nightly: 'registered' | 'paused';
  if (await redis.exists(keys.schedulePaused)) {
    await control.removeJobScheduler(SCHEDULER_IDS.nightly);
    nightly = 'paused';
  } else {
    await registerNightly(control, config);
    nightly = 'registered';
  }
  let watchdog: 'registered' | 'off';
  if (config.WATCHDOG_INTERVAL > 0) {
    await control.upsertJobScheduler(
      SCHEDULER_IDS.watchdog,
      { every: config.WATCHDOG_INTERVAL },
      { name: JOB.watchdog, data: {}, opts: controlJobOpts(config) },
    );
    watchdog = 'registered';
  } else {
    await control.removeJobScheduler(SCHEDULER_IDS.watchdog);
    watchdog = 'off';
  }
  log.info(
    {
      cron: config.REFRESH_CRON,
      tz: config.REFRESH_TZ,
      nightly,
      watchdog,
      watchdogEveryMs: config.WATCHDOG_INTERVAL,
    },
    'job schedulers ensured',
  );
  return { nightly, watchdog };
}

async function registerNightly(control: Queue, config: ScheduleConfig): Promise<void> {
  try {
    await control.upsertJobScheduler(
      SCHEDULER_IDS.nightly,
      { pattern: config.REFRESH_CRON, tz: config.REFRESH_TZ },
      { name: JOB.scheduledRefresh, data: { trigger: 'schedule' }, opts: controlJobOpts(config) },
    );
  } catch (err) {
    if (err instanceof Error && /cron|pattern|invalid/i.test(err.message)) {
      throw new ScheduleConfigError(
        `REFRESH_CRON: "${config.REFRESH_CRON}" is not a valid cron pattern (${err.message})`,
      );
    }
    throw err;
  }
}

export interface ScheduleView {
  paused: boolean;
  cron: string | null;
  tz: string | null;
  /** ISO time of the next scheduled refresh (null when paused or not registered yet). */
  next: string | null;
  watchdogEveryMs: number | null;
  watchdogNext: string | null;
}

export async function showSchedule(control: Queue, redis: Redis, keys: Keys): Promise<ScheduleView> {
  const [paused, nightly, watchdog] = await Promise.all([
    redis.exists(keys.schedulePaused),
    control.getJobScheduler(SCHEDULER_IDS.nightly),
    control.getJobScheduler(SCHEDULER_IDS.watchdog),
  ]);
  const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);
  return {
    paused: paused === 1,
    cron: nightly?.pattern ?? null,
    tz: nightly?.tz ?? null,
    next: iso(nightly?.next),
    watchdogEveryMs: watchdog?.every ?? null,
    watchdogNext: iso(watchdog?.next),
  };
}

export async function pauseSchedule(control: Queue, redis: Redis, keys: Keys): Promise<void> {
  await redis.set(keys.schedulePaused, new Date().toISOString());
  await control.removeJobScheduler(SCHEDULER_IDS.nightly);
}

export async function resumeSchedule(
  control: Queue,
  redis: Redis,
  keys: Keys,
  config: ScheduleConfig,
): Promise<void> {
  checkTimeZone(config.REFRESH_TZ);
  await redis.del(keys.schedulePaused);
  await registerNightly(control, config);
}
