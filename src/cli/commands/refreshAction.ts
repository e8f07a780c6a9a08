import path from 'node:path';
import { runRefresh } from '../../pipeline/refresh.js';
import { closeRunContext, createRunContext, newRunId } from '../../pipeline/runContext.js';
import { recordRun } from '../../pipeline/runHistory.js';
import { formatSummary, jsonSummary, type RefreshSummary } from '../../pipeline/summary.js';
import { runAsWork } from '../../processGuard.js';
import { cliContext, EXIT } from '../context.js';
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
  try {
    const runId = newRunId();
    const summary = await runAsWork({ runId }, () =>
      runRefresh(ctx, { runId, trigger: 'cli', force: opts.force ?? false, refetch: opts.force ?? false }),
    );
    await recordRun(path.resolve(cli.config.RUNS_DIR), summary);
    reportRun(summary, cli.config.SNAPSHOT_DIR, opts.json);
  } finally {
    await closeRunContext(ctx);
    await cli.close();
  }
}
