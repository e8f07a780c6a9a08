import type { Command } from 'commander';
import path from 'node:path';
import { closeRunContext, createRunContext, newRunId } from '../../pipeline/runContext.js';
import { runRefresh } from '../../pipeline/refresh.js';
import { recordRun } from '../../pipeline/runHistory.js';
import { formatSummary, jsonSummary } from '../../pipeline/summary.js';
import { cliContext, EXIT } from '../context.js';

export function registerRefresh(program: Command): void {
  program
    .command('refresh')
    .description('run one whole refresh in-process (no Redis) and publish a snapshot')
    .option('--offline', 'use the bundled fixtures, served from 127.0.0.1 (no network)')
    .option('--sources <list>', 'comma-separated sources to use (oews,ep,exposure,epoch,careeronestop)')
    .option('--force', 'publish even when a quality gate fails, and re-fetch CareerOneStop entries that are still fresh')
    .option('--json', 'print a machine-readable summary as the last line of stdout')
    .action(async (opts: { offline?: boolean; sources?: string; force?: boolean; json?: boolean }) => {
      const cli = await cliContext(opts);
      const ctx = createRunContext(cli.config, cli.log);
      try {
        const summary = await runRefresh(ctx, {
          runId: newRunId(),
          trigger: 'cli',
          force: opts.force ?? false,
          refetch: opts.force ?? false,
        });
        await recordRun(path.resolve(cli.config.RUNS_DIR), summary);
        const text = formatSummary(summary, path.resolve(cli.config.SNAPSHOT_DIR));
        if (summary.status === 'failed' || summary.status === 'blocked') process.stderr.write(`${text}\n`);
        else process.stdout.write(`${text}\n`);
        if (opts.json) process.stdout.write(`${JSON.stringify(jsonSummary(summary))}\n`);
        process.exitCode = summary.status === 'published' || summary.status === 'unchanged' ? EXIT.ok : EXIT.failed;
      } finally {
        await closeRunContext(ctx);
        await cli.close();
      }
    });
}
