import path from 'node:path';
import { runRefresh } from '../../pipeline/refresh.js';
import { closeRunContext, createRunContext, newRunId } from '../../pipeline/runContext.js';
import { recordRun } from '../../pipeline/runHistory.js';
import { formatSummary, jsonSummary, type RefreshSummary } from '../../pipeline/summary.js';
import { cliContext, EXIT } from '../context.js';
import { createProgressDisplay, progressMode } from '../progress.js';
import type { RefreshCommandOptions } from './refresh.js';

/**
 * Print a run's summary and set the exit code from its status. With `--json` stdout carries the
 * JSON object alone and the human summary goes to stderr; without it, the summary goes to stdout
 * when the run succeeded and to stderr when it did not.
 */
export function reportRun(summary: RefreshSummary, snapshotDir: string, json: boolean | undefined): void {
  const text = formatSummary(summary, path.resolve(snapshotDir));
  const ok = summary.status === 'published' || summary.status === 'unchanged';
  (ok && !json ? process.stdout : process.stderr).write(`${text}\n`);
  if (json) process.stdout.write(`${JSON.stringify(jsonSummary(summary))}\n`);
  process.exitCode = ok ? EXIT.ok : EXIT.failed;
}

export async function refreshAction(opts: RefreshCommandOptions): Promise<void> {
  const runId = newRunId();
  const display = createProgressDisplay(progressMode(opts, process.stderr), runId);
  const cli = await cliContext({ ...opts, logSink: display.log });
  const ctx = createRunContext(cli.config, cli.log);
  try {
    const summary = await runRefresh(ctx, {
      runId,
      trigger: 'cli',
      force: opts.force ?? false,
      refetch: opts.force ?? false,
      onStage: display.stage,
      onProgress: display.progress,
    });
    display.stop();
    await recordRun(path.resolve(cli.config.RUNS_DIR), summary);
    reportRun(summary, cli.config.SNAPSHOT_DIR, opts.json);
  } finally {
    display.stop();
    await closeRunContext(ctx);
    await cli.close();
  }
}
