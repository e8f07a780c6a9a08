import type { Command } from 'commander';
import { errorMessage } from '../../errors.js';
import { RedisUnavailableError } from '../../queue/connection.js';
import { ScheduleConfigError } from '../../queue/schedule.js';
import { startWorkerProcess } from '../../queue/workerProcess.js';
import { cliContext, EXIT } from '../context.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'run a worker process: scheduled and on-demand refreshes as BullMQ jobs (needs Redis; run as many as you like)',
    )
    .action(async () => {
      const cli = await cliContext({});
      try {
        const worker = await startWorkerProcess(cli.config, cli.log, { signals: true });
        await worker.closed;
        process.exitCode = EXIT.ok;
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
