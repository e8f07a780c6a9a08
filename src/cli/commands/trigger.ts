import type { Command } from 'commander';
import type { SourceId } from '../../config.js';
import type { Producer } from '../../queue/runs/producer.js';
import { describeCommand, QUEUE_SETTINGS } from '../help.js';

interface TriggerOptions {
  sources?: string;
  force?: boolean;
  wait?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerTrigger(program: Command): void {
  const cmd = program
    .command('trigger')
    .description(
      'ask the workers for a refresh now and print its run id (or the id of the run already under way)',
    )
    .option('--sources <list>', 'comma-separated sources to use (oews,ep,exposure,epoch,onet,careeronestop)')
    .option('--force', 'publish even when a quality gate fails, and re-fetch entries that are still fresh')
    .option(
      '--wait',
      'follow the run to its end and exit with its outcome (0 published/unchanged, 1 blocked/failed)',
    )
    .option(
      '--json',
      'stdout carries only one JSON object (run id, whether it was created, and with --wait the outcome)',
    )
    .option('--quiet', 'with --wait: no progress display and no stage lines')
    // Heavy modules (BullMQ) load only when the command runs.
    .action(async (opts: TriggerOptions) => {
      const [{ cliContext, EXIT }, { errorMessage }, { openProducer }, progress, { createLiveLine }] =
        await Promise.all([
          import('../context.js'),
          import('../../errors.js'),
          import('../../queue/runs/producer.js'),
          import('../../queue/runs/progress.js'),
          import('../progress.js'),
        ]);
      const { describeOutcome, FINISHED, followRun, progressEvents, progressLine } = progress;
      // On a terminal, log lines go above the live progress line instead of through it.
      const tty = process.stderr.isTTY === true && opts.wait === true && !opts.quiet;
      const live = createLiveLine(tty);
      const cli = await cliContext({ sources: opts.sources, checkSources: false, logSink: live.log });
      let producer: Producer | undefined;
      try {
        producer = await openProducer(cli.config, cli.log, { name: 'careerdata-trigger' });
        const ticket = await producer.request({
          trigger: 'manual',
          sources: opts.sources ? (cli.config.sources as SourceId[]) : undefined,
          force: opts.force ?? false,
        });
        process.stderr.write(
          ticket.created
            ? `Queued refresh ${ticket.runId}\n`
            : `A refresh is already ${ticket.status}: ${ticket.runId} (not starting another)\n`,
        );
        if (!opts.json) process.stdout.write(`${ticket.runId}\n`);
        if (!opts.wait) {
          if (opts.json) process.stdout.write(`${JSON.stringify(ticket)}\n`);
          process.exitCode = EXIT.ok;
          return;
        }
        const seen = new Map<string, string>();
        const run = await followRun(producer.runs, ticket.runId, {
          onUpdate: (r) => {
            if (tty) live.update(progressLine(r));
            else if (!opts.quiet) for (const line of progressEvents(r, seen)) live.log(line);
          },
          onPollError: (m) => live.log(`waiting for Redis: ${m}`),
        });
        live.stop();
        const ok = run.status === 'published' || run.status === 'unchanged';
        const text = describeOutcome(run);
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ ...ticket, status: run.status, outcome: run.outcome ?? null })}\n`,
          );
        } else {
          (ok ? process.stdout : process.stderr).write(`${text}\n`);
        }
        process.exitCode = ok && FINISHED.has(run.status) ? EXIT.ok : EXIT.failed;
      } catch (err) {
        process.stderr.write(`careerdata trigger: ${errorMessage(err)}\n`);
        process.exitCode = EXIT.failed;
      } finally {
        live.stop();
        await producer?.close();
        await cli.close();
      }
    });
  describeCommand(
    cmd,
    [...QUEUE_SETTINGS, 'SOURCES'],
    'careerdata trigger --sources oews,ep --wait --json | jq .status',
  );
}
