import type { Command } from 'commander';
import type { JobHandlers } from '../../queue/processor.js';

export type LoadJobHandlers = () => Promise<JobHandlers>;

export function registerWorker(program: Command, loadJobHandlers?: LoadJobHandlers): void {
  program
    .command('worker')
    .description(
      'run a worker process: scheduled and on-demand refreshes as BullMQ jobs (needs Redis; run as many as you like)',
    )
    // Heavy modules (BullMQ, the pipeline) load only when the command runs.
    .action(async () => {
      const [
        { cliContext, EXIT },
        { errorMessage },
        { RedisUnavailableError },
        { ScheduleConfigError },
        { startWorkerProcess },
      ] = await Promise.all([
        import('../context.js'),
        import('../../errors.js'),
        import('../../queue/connection.js'),
        import('../../queue/schedule.js'),
        import('../../queue/workerProcess.js'),
      ]);
      if (!loadJobHandlers) {
        process.stderr.write(
          'careerdata worker: start it through the package entry point (bin/careerdata.js or main.ts)\n',
        );
        process.exitCode = EXIT.usage;
        return;
      }
      const cli = await cliContext({});
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
}
