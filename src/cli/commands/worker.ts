import type { Command } from 'commander';
import type { JobHandlers } from '../../queue/worker/processor.js';
import { describeCommand, GATE_SETTINGS, QUEUE_SETTINGS, SOURCE_SETTINGS, STORE_SETTINGS } from '../help.js';

export type LoadJobHandlers = () => Promise<JobHandlers>;

export function registerWorker(program: Command, loadJobHandlers?: LoadJobHandlers): void {
  const cmd = program
    .command('worker')
    .description(
      'run a worker process: scheduled and on-demand refreshes as BullMQ jobs (needs Redis; run as many as you like)',
    )
    .option(
      '--offline',
      'fetch from the bundled fixtures served on 127.0.0.1 (try the production mode locally; use `careerdata trigger` as usual)',
    )
    // Heavy modules (BullMQ, the pipeline) load only when the command runs.
    .action(async (opts: { offline?: boolean }) => {
      const [
        { cliContext, EXIT },
        { errorMessage },
        { RedisUnavailableError },
        { ScheduleConfigError },
        { startWorkerProcess },
      ] = await Promise.all([
        import('../context.js'),
        import('../../errors.js'),
        import('../../queue/wiring/connection.js'),
        import('../../queue/wiring/schedule.js'),
        import('../../queue/worker/workerProcess.js'),
      ]);
      if (!loadJobHandlers) {
        process.stderr.write(
          'careerdata worker: start it through the package entry point (bin/careerdata.js or main.ts)\n',
        );
        process.exitCode = EXIT.usage;
        return;
      }
      const cli = await cliContext({ offline: opts.offline === true });
      try {
        const handlers = await loadJobHandlers();
        const worker = await startWorkerProcess(cli.config, cli.log, { signals: true, handlers });
        await worker.closed;
        await cli.close();
        // Exit now: a download abandoned at shutdown must not keep the process alive.
        process.exit(EXIT.ok);
      } catch (err) {
        const usage = err instanceof ScheduleConfigError;
        const known = usage || err instanceof RedisUnavailableError;
        process.stderr.write(`careerdata worker: ${errorMessage(err)}\n`);
        if (!known) cli.log.error({ err }, 'worker failed');
        process.exitCode = usage ? EXIT.usage : EXIT.failed;
      } finally {
        await cli.close();
      }
    });
  describeCommand(
    cmd,
    [
      ...QUEUE_SETTINGS,
      ...STORE_SETTINGS,
      ...SOURCE_SETTINGS,
      ...GATE_SETTINGS,
      'WORKER_CONCURRENCY',
      'REFRESH_CRON',
      'REFRESH_TZ',
      'MAX_SNAPSHOT_AGE',
      'WATCHDOG_INTERVAL',
      'SHUTDOWN_TIMEOUT',
      'QUEUE_LOCK_DURATION',
      'QUEUE_STALLED_INTERVAL',
      'QUEUE_BACKOFF_DELAY',
      'WEBHOOK_URLS',
      'WEBHOOK_SECRET',
    ],
    'careerdata worker --offline   # and in another shell: careerdata trigger --wait',
  );
}
