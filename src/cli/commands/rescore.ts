import type { Command } from 'commander';
import path from 'node:path';
import { listMethodologies } from '../../methodology/registry.js';
import { runRescore } from '../../pipeline/rescore.js';
import { closeRunContext, createRunContext, newRunId } from '../../pipeline/runContext.js';
import { recordRun } from '../../pipeline/runHistory.js';
import { formatSummary, jsonSummary } from '../../pipeline/summary.js';
import { cliContext, EXIT } from '../context.js';

export function registerRescore(program: Command): void {
  program
    .command('rescore')
    .description('rebuild a snapshot from the raw files an earlier one recorded, with the current or a chosen methodology (no network)')
    .option('--from <snapshotId>', 'snapshot to derive from (an id or "latest")', 'latest')
    .option('--methodology <version>', `methodology version (known: ${listMethodologies().join(', ')})`)
    .option('--force', 'publish even when a quality gate fails')
    .option('--json', 'print a machine-readable summary as the last line of stdout')
    .action(async (opts: { from: string; methodology?: string; force?: boolean; json?: boolean }) => {
      // Rescoring reads only the cache: no source settings are needed.
      const cli = await cliContext({ sources: 'exposure,epoch' });
      const ctx = createRunContext(cli.config, cli.log);
      try {
        const summary = await runRescore(ctx, {
          runId: newRunId(),
          from: opts.from,
          ...(opts.methodology ? { methodology: opts.methodology } : {}),
          force: opts.force ?? false,
        });
        await recordRun(path.resolve(cli.config.RUNS_DIR), summary);
        const text = formatSummary(summary, path.resolve(cli.config.SNAPSHOT_DIR));
        (summary.status === 'failed' || summary.status === 'blocked' ? process.stderr : process.stdout).write(`${text}\n`);
        if (opts.json) process.stdout.write(`${JSON.stringify(jsonSummary(summary))}\n`);
        process.exitCode = summary.status === 'published' || summary.status === 'unchanged' ? EXIT.ok : EXIT.failed;
      } finally {
        await closeRunContext(ctx);
        await cli.close();
      }
    });
}
