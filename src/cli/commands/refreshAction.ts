import path from 'node:path';
import { runRefresh } from '../../pipeline/refresh.js';
import { closeRunContext, createRunContext, newRunId } from '../../pipeline/runContext.js';
import { formatSummary, jsonSummary, type RefreshSummary, type StageName } from '../../pipeline/summary.js';
import { cliContext, EXIT } from '../context.js';
import { recordEmbeddedRun } from '../runHistory.js';
import type { RefreshCommandOptions } from './refresh.js';

/** Print a run's summary (stderr when it did not publish) and set the exit code from its status. */
export function reportRun(summary: RefreshSummary, snapshotDir: string, json: boolean | undefined): void {
  const text = formatSummary(summary, path.resolve(snapshotDir));
  const ok = summary.status === 'published' || summary.status === 'unchanged';
  (ok ? process.stdout : process.stderr).write(`${text}\n`);
  if (json) process.stdout.write(`${JSON.stringify(jsonSummary(summary))}\n`);
  process.exitCode = ok ? EXIT.ok : EXIT.failed;
}

export async function refreshAction(opts: RefreshCommandOptions): Promise<void> {
  const cli = await cliContext(opts);
  const ctx = createRunContext(cli.config, cli.log);
  const stageStarts: Partial<Record<StageName, string>> = {};
  try {
    const summary = await runRefresh(ctx, {
      runId: newRunId(),
      trigger: 'cli',
      force: opts.force ?? false,
      refetch: opts.force ?? false,
      onStage: (stage, state) => {
        if (state === 'start') stageStarts[stage] = new Date().toISOString();
      },
    });
    await recordEmbeddedRun(cli.config, cli.log, ctx.redis, summary, {
      force: opts.force ?? false,
      stageStarts,
    });
    reportRun(summary, cli.config.SNAPSHOT_DIR, opts.json);
  } finally {
    await closeRunContext(ctx);
    await cli.close();
  }
}
