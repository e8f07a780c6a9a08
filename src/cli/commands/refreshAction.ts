import path from 'node:path';
import { runRefresh } from '../../pipeline/refresh.js';
import { closeRunContext, createRunContext, newRunId } from '../../pipeline/runContext.js';
import { recordRun } from '../../pipeline/runHistory.js';
import { formatSummary, jsonSummary, type RefreshSummary } from '../../pipeline/summary.js';
import { runAsWork } from '../../processGuard.js';
import { type CliContext, cliContext, EXIT } from '../context.js';
import { createProgressDisplay, progressMode } from '../progress.js';
import type { RefreshCommandOptions } from './refresh.js';

/**
 * Print a run's summary and set the exit code from its status. With `--json` stdout carries the
 * JSON object alone and the human summary goes to stderr; without it, the summary goes to stdout
 * when the run succeeded and to stderr when it did not.
 */
export function reportRun(
  summary: RefreshSummary,
  snapshotDir: string,
  json: boolean | undefined,
  runRecordError?: string,
): void {
  const text = formatSummary(summary, path.resolve(snapshotDir));
  const ok = summary.status === 'published' || summary.status === 'unchanged';
  (ok && !json ? process.stdout : process.stderr).write(`${text}\n`);
  if (runRecordError) process.stderr.write(`warning: ${runRecordError}\n`);
  if (json) {
    const out = { ...jsonSummary(summary), ...(runRecordError ? { runRecordError } : {}) };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
  process.exitCode = ok ? EXIT.ok : EXIT.failed;
}

/**
 * The run record is bookkeeping: a full or read-only RUNS_DIR must not turn a publish into a failure
 * (latest has already switched). The failure is logged and returned for the summary.
 */
export async function recordRunOrSay(cli: CliContext, summary: RefreshSummary): Promise<string | undefined> {
  const runsDir = path.resolve(cli.config.RUNS_DIR);
  try {
    await recordRun(runsDir, summary);
    return undefined;
  } catch (err) {
    const message = `could not write the run record in RUNS_DIR ${runsDir}: ${err instanceof Error ? err.message : String(err)}`;
    cli.log.error({ runId: summary.runId, status: summary.status, runsDir }, message);
    return message;
  }
}

export async function refreshAction(opts: RefreshCommandOptions): Promise<void> {
  const runId = newRunId();
  const display = createProgressDisplay(progressMode(opts, process.stderr), runId);
  const cli = await cliContext({ ...opts, logSink: display.log });
  const ctx = createRunContext(cli.config, cli.log);
  try {
    const summary = await runAsWork({ runId }, () =>
      runRefresh(ctx, {
        runId,
        trigger: 'cli',
        force: opts.force ?? false,
        refetch: opts.force ?? false,
        onStage: display.stage,
        onProgress: display.progress,
      }),
    );
    display.stop();
    const runRecordError = await recordRunOrSay(cli, summary);
    reportRun(summary, cli.config.SNAPSHOT_DIR, opts.json, runRecordError);
  } finally {
    display.stop();
    await closeRunContext(ctx);
    await cli.close();
  }
}
