import path from 'node:path';
import type { Redis } from 'ioredis';
import { embeddedRunIO } from '../../pipeline/embeddedRunIO.js';
import { runRefresh } from '../../pipeline/refresh.js';
import { closeRunContext, createRunContext, newRunId } from '../../pipeline/runContext.js';
import { formatSummary, jsonSummary, type RefreshSummary, type StageName } from '../../pipeline/summary.js';
import { runAsWork } from '../../processGuard.js';
import { type CliContext, cliContext, EXIT } from '../context.js';
import { createProgressDisplay, progressMode } from '../progress.js';
import { recordEmbeddedRun } from '../runHistory.js';
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
export async function recordRunOrSay(
  cli: CliContext,
  redis: Redis | undefined,
  summary: RefreshSummary,
  opts: Parameters<typeof recordEmbeddedRun>[4],
): Promise<string | undefined> {
  try {
    await recordEmbeddedRun(cli.config, cli.log, redis, summary, opts);
    return undefined;
  } catch (err) {
    const runsDir = path.resolve(cli.config.RUNS_DIR);
    const message = `could not write the run record in RUNS_DIR ${runsDir}: ${err instanceof Error ? err.message : String(err)}`;
    cli.log.error({ runId: summary.runId, status: summary.status, runsDir }, message);
    return message;
  }
}

export async function refreshAction(opts: RefreshCommandOptions): Promise<void> {
  const runId = newRunId();
  const display = createProgressDisplay(progressMode(opts, process.stderr), runId);
  const cli = await cliContext({ ...opts, logSink: display.log });
  const ctx = createRunContext(cli.config, cli.log, embeddedRunIO(cli.config, cli.log));
  const stageStarts: Partial<Record<StageName, string>> = {};
  try {
    const summary = await runAsWork({ runId }, () =>
      runRefresh(ctx, {
        runId,
        trigger: 'cli',
        force: opts.force ?? false,
        refetch: opts.force ?? false,
        onStage: (stage, state) => {
          if (state === 'start') stageStarts[stage] = new Date().toISOString();
          display.stage(stage, state);
        },
        onProgress: display.progress,
      }),
    );
    display.stop();
    const runRecordError = await recordRunOrSay(cli, ctx.redis, summary, {
      force: opts.force ?? false,
      stageStarts,
    });
    reportRun(summary, cli.config.SNAPSHOT_DIR, opts.json, runRecordError);
  } finally {
    display.stop();
    await closeRunContext(ctx);
    await cli.close();
  }
}
