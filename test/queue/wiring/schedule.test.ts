import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { JOB_HANDLERS } from '../../../jobs/index.js';
import { silentLogger } from '../../../src/log.js';
import { SCHEDULER_IDS } from '../../../src/queue/wiring/names.js';
import {
  checkTimeZone,
  pauseSchedule,
  resumeSchedule,
  showSchedule,
} from '../../../src/queue/wiring/schedule.js';
import { startWorkerProcess, type WorkerProcess } from '../../../src/queue/worker/workerProcess.js';
import { type QueueHarness, queueHarness } from '../support/harness.js';

const redisUrl = inject('redisUrl');
let h: QueueHarness;
const started: WorkerProcess[] = [];

beforeEach(async () => {
  h = await queueHarness(redisUrl);
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.stop('test done')));
  await h.close();
});

describe('the nightly schedule', () => {
  it('ten worker start-ups at once leave exactly one job scheduler, with the configured cron and time zone', async () => {
    const config = h.config({ REFRESH_CRON: '15 2 * * *', REFRESH_TZ: 'Europe/Berlin' });
    const workers = await Promise.all(
      Array.from({ length: 10 }, () => startWorkerProcess(config, silentLogger, { handlers: JOB_HANDLERS })),
    );
    started.push(...workers);
    const control = workers[0]!.deps.queues.control;
    expect(await control.getJobSchedulersCount()).toBe(1);
    const scheduler = await control.getJobScheduler(SCHEDULER_IDS.nightly);
    expect(scheduler).toMatchObject({ pattern: '15 2 * * *', tz: 'Europe/Berlin' });
    // One next run waiting, at 02:15 Berlin time.
    const delayed = await control.getDelayed();
    expect(delayed).toHaveLength(1);
    const next = new Date(scheduler!.next!);
    const berlin = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      hour: '2-digit',
      minute: '2-digit',
    });
    expect(berlin.format(next)).toBe('02:15');
  });

  it('stays paused across worker restarts until resumed', async () => {
    const config = h.config();
    const first = await startWorkerProcess(config, silentLogger, { handlers: JOB_HANDLERS });
    started.push(first);
    const { queues, redis, keys } = first.deps;
    await pauseSchedule(queues.control, redis, keys);
    expect(await showSchedule(queues.control, redis, keys)).toMatchObject({
      paused: true,
      cron: null,
      next: null,
    });

    started.push(await startWorkerProcess(config, silentLogger, { handlers: JOB_HANDLERS }));
    expect(await queues.control.getJobScheduler(SCHEDULER_IDS.nightly)).toBeUndefined();

    await resumeSchedule(queues.control, redis, keys, config);
    const view = await showSchedule(queues.control, redis, keys);
    expect(view).toMatchObject({ paused: false, cron: '0 3 * * *', tz: 'America/New_York' });
    expect(Date.parse(view.next!)).toBeGreaterThan(Date.now());
  });

  it('refuses an unknown time zone with a message naming the setting', () => {
    expect(() => checkTimeZone('Mars/Olympus_Mons')).toThrow(
      /REFRESH_TZ: "Mars\/Olympus_Mons" is not a known IANA time zone/,
    );
    expect(() => checkTimeZone('America/New_York')).not.toThrow();
  });
});
