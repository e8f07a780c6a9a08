import type { Command } from 'commander';
import type { Producer } from '../../queue/runs/producer.js';
import type { ScheduleView } from '../../queue/wiring/schedule.js';
import { describeCommand, QUEUE_SETTINGS } from '../help.js';

function describe(v: ScheduleView, tzConfigured: string): string {
  const inZone = (iso: string | null, tz: string) =>
    iso ? `${new Date(iso).toLocaleString('en-US', { timeZone: tz, timeZoneName: 'short' })} (${iso})` : '-';
  const lines = [
    `nightly refresh  ${v.paused ? 'PAUSED' : v.cron ? 'active' : 'not registered yet (start a worker)'}`,
    `  cron           ${v.cron ?? '-'}`,
    `  time zone      ${v.tz ?? tzConfigured}`,
    `  next run       ${v.paused ? '- (paused)' : inZone(v.next, v.tz ?? tzConfigured)}`,
    `freshness watchdog ${v.watchdogEveryMs ? `every ${Math.round(v.watchdogEveryMs / 60_000)} min` : 'off'}`,
    `  next check     ${inZone(v.watchdogNext, v.tz ?? tzConfigured)}`,
  ];
  return lines.join('\n');
}

export function registerSchedule(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('the nightly refresh schedule (REFRESH_CRON in REFRESH_TZ)');
  const run =
    (what: 'show' | 'pause' | 'resume', json = false) =>
    async () => {
      // Heavy modules (BullMQ) load only when the command runs.
      const [{ cliContext, EXIT }, { errorMessage }, { openProducer }, schedules] = await Promise.all([
        import('../context.js'),
        import('../../errors.js'),
        import('../../queue/runs/producer.js'),
        import('../../queue/wiring/schedule.js'),
      ]);
      const { pauseSchedule, resumeSchedule, showSchedule } = schedules;
      const cli = await cliContext({ checkSources: false });
      let producer: Producer | undefined;
      try {
        producer = await openProducer(cli.config, cli.log, { name: 'careerdata-schedule' });
        const { queues, redis, keys } = producer;
        if (what === 'pause') await pauseSchedule(queues.control, redis, keys);
        if (what === 'resume') await resumeSchedule(queues.control, redis, keys, cli.config);
        const view = await showSchedule(queues.control, redis, keys);
        if (json) process.stdout.write(`${JSON.stringify(view)}\n`);
        else {
          if (what === 'pause')
            process.stderr.write('Nightly refresh paused (manual triggers and the watchdog still work).\n');
          if (what === 'resume') process.stderr.write('Nightly refresh resumed.\n');
          process.stdout.write(`${describe(view, cli.config.REFRESH_TZ)}\n`);
        }
        process.exitCode = EXIT.ok;
      } catch (err) {
        process.stderr.write(`careerdata schedule ${what}: ${errorMessage(err)}\n`);
        process.exitCode = EXIT.failed;
      } finally {
        await producer?.close();
        await cli.close();
      }
    };
  const settings = [...QUEUE_SETTINGS, 'REFRESH_CRON', 'REFRESH_TZ', 'WATCHDOG_INTERVAL'];
  describeCommand(schedule, settings, 'careerdata schedule show --json');
  schedule
    .command('show')
    .description('cron, time zone, next run, paused or not')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => run('show', opts.json)());
  schedule
    .command('pause')
    .description('stop the nightly refresh (survives worker restarts)')
    .action(run('pause'));
  schedule.command('resume').description('restart the nightly refresh').action(run('resume'));
  for (const sub of schedule.commands) describeCommand(sub, settings, `careerdata schedule ${sub.name()}`);
}
