import type { Command } from 'commander';
import { errorMessage } from '../../errors.js';
import type { RunHistory, RunRecord } from '../../pipeline/runHistory.js';
import { describeOutcome } from '../../queue/runs/progress.js';
import { STAGE_ORDER, stageDurations } from '../../queue/runs/runStore.js';
import { describeCommand, positiveInt, QUEUE_SETTINGS } from '../help.js';

/** Heavy modules (BullMQ, config) load only when a command runs. */
const load = async () => {
  const [{ cliContext, EXIT }, { openProducer }, { fileRunHistory }] = await Promise.all([
    import('../context.js'),
    import('../../queue/runs/producer.js'),
    import('../runHistory.js'),
  ]);
  return { cliContext, EXIT, openProducer, fileRunHistory };
};

/**
 * The one run history this configuration uses: Redis when REDIS_URL is set (the workers' and the
 * embedded runs'), else RUNS_DIR.
 */
async function openHistory(
  loaded: Awaited<ReturnType<typeof load>>,
  cli: Awaited<ReturnType<Awaited<ReturnType<typeof load>>['cliContext']>>,
): Promise<{ history: RunHistory; where: string; close(): Promise<void> }> {
  if (!cli.config.redisConfigured) {
    return { history: loaded.fileRunHistory(cli.config), where: cli.config.RUNS_DIR, close: async () => {} };
  }
  const producer = await loaded
    .openProducer(cli.config, cli.log, { name: 'careerdata-runs' })
    .catch((err: unknown) => {
      throw new Error(`worker history unavailable: ${errorMessage(err)}`);
    });
  return { history: producer.runs, where: 'the Redis run history', close: () => producer.close() };
}

/** One row of `careerdata runs`. */
interface RunRow {
  runId: string;
  trigger: string;
  status: string;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  snapshotId: string | null;
  stages: Partial<Record<string, number>>;
  error?: string;
}

function rowOf(r: RunRecord): RunRow {
  return {
    runId: r.runId,
    trigger: r.trigger,
    status: r.status,
    queuedAt: r.queuedAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    snapshotId: r.outcome?.snapshotId ?? null,
    stages: stageDurations(r),
    ...(r.outcome?.error ? { error: r.outcome.error } : {}),
  };
}

function duration(row: RunRow): string {
  if (!row.startedAt) return '-';
  const end = row.finishedAt ? Date.parse(row.finishedAt) : Date.now();
  const s = Math.max(0, Math.round((end - Date.parse(row.startedAt)) / 1000));
  return s < 120 ? `${s}s` : `${Math.round(s / 60)}m`;
}

function table(rows: RunRow[]): string {
  const head = ['RUN', 'TRIGGER', 'STATUS', 'QUEUED (UTC)', 'TOOK', 'SNAPSHOT'];
  const body = rows.map((r) => [
    r.runId,
    r.trigger,
    r.status,
    r.queuedAt.slice(0, 19).replace('T', ' '),
    duration(r),
    r.snapshotId ?? '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  return [head, ...body]
    .map((cols) =>
      cols
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function detail(r: RunRecord): string {
  const lines = [
    `run        ${r.runId}`,
    `trigger    ${r.trigger}${r.force ? ' (force)' : ''}`,
    `sources    ${r.sources.join(', ')}`,
    `status     ${r.status}`,
    `queued     ${r.queuedAt}`,
    `started    ${r.startedAt ?? '-'}`,
    `finished   ${r.finishedAt ?? '-'}`,
    `snapshot   ${r.outcome?.snapshotId ?? '-'}${r.outcome?.previousId ? ` (previous ${r.outcome.previousId})` : ''}`,
    'stages:',
  ];
  const ordered = Object.entries(r.stages).sort(
    ([a], [b]) =>
      STAGE_ORDER.indexOf(a.split(':')[0] as never) - STAGE_ORDER.indexOf(b.split(':')[0] as never) ||
      a.localeCompare(b),
  );
  for (const [name, s] of ordered) {
    const took = s.ms !== undefined ? `${s.ms} ms` : '';
    lines.push(
      `  ${name.padEnd(16)} ${s.state.padEnd(8)} ${took.padEnd(10)} attempt ${s.attempt}${s.worker ? ` on ${s.worker}` : ''}${s.error ? `\n  ${''.padEnd(16)} ${s.error}` : ''}`,
    );
  }
  if (r.careeronestop) {
    const c = r.careeronestop;
    lines.push(`careeronestop  ${c.total} occupations fetched as jobs: ${c.done} done, ${c.failed} failed`);
  }
  const q = r.outcome?.quality;
  if (q) {
    lines.push('quality:');
    for (const [source, c] of Object.entries(q.sources ?? {})) {
      lines.push(`  ${source}: ${c.read} rows read, ${c.kept} kept, ${c.rejected} rejected`);
    }
    for (const w of q.warnings ?? []) lines.push(`  warning [${w.source}]: ${w.message}`);
  }
  if (r.outcome) lines.push('', describeOutcome(r));
  return lines.join('\n');
}

export function registerRuns(program: Command): void {
  const runs = program
    .command('runs')
    .description(
      'refresh history: trigger, times, status, snapshot, stage durations (worker runs and embedded refreshes)',
    )
    .option('--json', 'stdout carries only JSON (an array of runs) instead of a table')
    .option('--limit <n>', 'how many runs', positiveInt, 20)
    .action(async (opts: { json?: boolean; limit: number }) => {
      const loaded = await load();
      const cli = await loaded.cliContext({ checkSources: false });
      const limit = opts.limit;
      let opened: Awaited<ReturnType<typeof openHistory>> | undefined;
      try {
        opened = await openHistory(loaded, cli);
        const rows = (await opened.history.list(limit)).map(rowOf);
        if (opts.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
        else process.stdout.write(rows.length ? `${table(rows)}\n` : 'No runs yet.\n');
        process.exitCode = loaded.EXIT.ok;
      } catch (err) {
        process.stderr.write(`careerdata runs: ${errorMessage(err)}\n`);
        process.exitCode = loaded.EXIT.failed;
      } finally {
        await opened?.close();
        await cli.close();
      }
    });
  describeCommand(
    runs,
    [...QUEUE_SETTINGS, 'RUNS_DIR'],
    'careerdata runs --limit 5 --json | jq ".[0].status"',
  );
  const show = runs
    .command('show <runId>')
    .description('one run in full: stages with durations and attempts, quality summary, gate or error report')
    .option('--json', 'stdout carries only the whole run record as JSON')
    .action(async (runId: string, opts: { json?: boolean }) => {
      const loaded = await load();
      const cli = await loaded.cliContext({ checkSources: false });
      let opened: Awaited<ReturnType<typeof openHistory>> | undefined;
      try {
        opened = await openHistory(loaded, cli);
        const record = await opened.history.get(runId);
        if (record) {
          process.stdout.write(opts.json ? `${JSON.stringify(record, null, 2)}\n` : `${detail(record)}\n`);
          process.exitCode = loaded.EXIT.ok;
          return;
        }
        process.stderr.write(`careerdata runs show: no run ${runId} in ${opened.where}\n`);
        process.exitCode = loaded.EXIT.failed;
      } catch (err) {
        process.stderr.write(`careerdata runs show: ${errorMessage(err)}\n`);
        process.exitCode = loaded.EXIT.failed;
      } finally {
        await opened?.close();
        await cli.close();
      }
    });
  describeCommand(
    show,
    [...QUEUE_SETTINGS, 'RUNS_DIR'],
    'careerdata runs show run-20261127T030000Z-3f9a2c --json',
  );
}
