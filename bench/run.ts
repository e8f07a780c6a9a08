/**
 * `npm run bench [-- --quick] [-- --out results.json] [-- --only 1,2,3,4,5,6]`: the benchmark suite.
 * Not a test: it never runs in `npm test` or CI. Generates its inputs under bench/data/ when they
 * are missing (git-ignored), compiles the project for plain `node` into bench/out/build/, runs each
 * contender in its own process one at a time, and prints one line per figure with the baseline
 * measured in the same run and their ratio. Absolute figures depend on the machine and whatever else
 * runs on it; the ratios are what count.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { PACKAGE_ROOT } from '../src/config.js';
import { ensureInputs, FLAT_DIR, type InputManifest, type InputSpec } from './generate/inputs.js';
import { ONET_BENCH_PATH, ONET_NEEDED_ONLY_PATH } from './generate/onetArchive.js';
import { buildForBench, built } from './lib/build.js';
import { runNode } from './lib/child.js';
import {
  changedNightLine,
  flatFileLines,
  GOALS,
  type Outcome,
  onetArchiveLine,
  queueLine,
  readApiLines,
  refreshLines,
} from './lib/lines.js';
import { type BenchLine, formatTable, markdownTable } from './lib/table.js';
import { startBenchEnvironment } from './scenarios/environment.js';
import { benchFlatFile, type FlatFileBench } from './scenarios/flatFile.js';
import { benchOnetArchive, ONET_MIN_REPETITIONS, type OnetArchiveBench } from './scenarios/onetArchive.js';
import { benchQueue, missingQueueCommands, type QueueBench, startPrivateRedis } from './scenarios/queue.js';
import { benchReadApi, type ReadApiBench } from './scenarios/readApi.js';
import { type RefreshRun, runChangedNight, runRefreshCli } from './scenarios/refresh.js';

const opts = new Command('bench')
  .description('careerdata benchmark suite (not part of npm test)')
  .option('--quick', 'reduced run (10 % file, short load runs), about a minute once inputs exist')
  .option('--out <file>', 'also write the results as JSON to this file')
  .option(
    '--only <lines>',
    'comma-separated line numbers to run (1-6; 2 includes 2b); 3-5 also run 2',
    '1,2,3,4,5,6',
  )
  .option('--reps <n>', 'repetitions of each flat-file contender (best counts)')
  .parse()
  .opts<{ quick?: boolean; out?: string; only: string; reps?: string }>();

const quick = opts.quick === true;
const only = new Set(opts.only.split(',').map((s) => s.trim()));
const wants = (n: string) => only.has(n);
const log = (line: string) => process.stderr.write(`${line}\n`);
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function outcome<T>(what: string, fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: await fn() };
  } catch (err) {
    log(`  ${what} failed: ${errorText(err)}`);
    return { unavailable: `${what} failed: ${errorText(err)}` };
  }
}

const MAIN: InputSpec = quick
  ? { name: 'quick', scale: 0.1, parts: 'all' }
  : { name: 'full', scale: 1, parts: 'all' };
const HALF: InputSpec = quick
  ? { name: 'quick-half', scale: 0.05, parts: 'flat' }
  : { name: 'half', scale: 0.5, parts: 'flat' };
const HALF_SAME_OUTPUT: InputSpec = {
  name: `${MAIN.name}-half-same-output`,
  scale: MAIN.scale,
  parts: 'flat',
  sameOutputHalfOf: MAIN.name,
};
const SETTINGS = quick
  ? { reps: 1, loadSec: 3, warmupSec: 1, connections: 50, refreshTimeoutMs: 10 * 60_000 }
  : { reps: 3, loadSec: 10, warmupSec: 2, connections: 50, refreshTimeoutMs: 60 * 60_000 };
const reps = opts.reps ? Math.max(1, Number(opts.reps)) : SETTINGS.reps;

const started = new Date();
const loadBefore = os.loadavg();
log(`careerdata bench (${quick ? 'quick' : 'full'}) — Node ${process.version}, ${os.cpus().length} CPUs`);
log('Figures are noisy on a shared machine; the ratios measured within this run are what count.');

const compiled = buildForBench();
log(`compiled ${compiled} changed file(s) into bench/out/build/`);

const manifests: Record<string, InputManifest> = {};
const main = await ensureInputs(MAIN, log);
manifests[MAIN.name] = main.manifest;

const lines: BenchLine[] = [];
const raw: Record<string, unknown> = {};

// 1. Flat-file ingest.
if (wants('1')) {
  const half = await ensureInputs(HALF, log);
  manifests[HALF.name] = half.manifest;
  const halfSame = await ensureInputs(HALF_SAME_OUTPUT, log);
  manifests[HALF_SAME_OUTPUT.name] = halfSame.manifest;
  log(`1. flat-file ingest (${reps} repetition(s))`);
  const result: Outcome<FlatFileBench> = await outcome('flat-file contenders', () =>
    benchFlatFile(
      {
        full: path.join(main.dir, FLAT_DIR),
        half: path.join(half.dir, FLAT_DIR),
        halfSameOutput: path.join(halfSame.dir, FLAT_DIR),
      },
      reps,
      log,
    ),
  );
  raw.flatFile = result;
  lines.push(...flatFileLines(result));
}

// 6. The O*NET text release reader (the archive is full size in every mode).
if (wants('6')) {
  // About a second per run at any size, and its memory goal needs a median: never fewer than five.
  const onetReps = Math.max(reps, ONET_MIN_REPETITIONS);
  log(`6. O*NET archive reader (${onetReps} repetitions)`);
  const result: Outcome<OnetArchiveBench> = await outcome('O*NET contenders', () =>
    benchOnetArchive(
      { full: path.join(main.dir, ONET_BENCH_PATH), neededOnly: path.join(main.dir, ONET_NEEDED_ONLY_PATH) },
      onetReps,
      log,
    ),
  );
  raw.onetArchive = result;
  lines.push(onetArchiveLine(result, main.manifest.onet));
}

const help = (await runNode(built('main.ts'), ['--help'], { cwd: os.tmpdir() })).stdout;
const hasCommand = (name: string) => new RegExp(`^\\s+${name}\\b`, 'm').test(help);

// 2, 3, 5 share one environment: the no-op night reuses the cache, the API serves the snapshot.
let full: Outcome<RefreshRun> = { unavailable: 'not run' };
if (['2', '3', '4', '5'].some(wants)) {
  const envr = await startBenchEnvironment(main.dir, { SHUTDOWN_TIMEOUT: '5s' });
  try {
    log('2. whole refresh (careerdata refresh --json over the generated inputs)');
    full = await outcome('careerdata refresh', () => runRefreshCli(envr, SETTINGS.refreshTimeoutMs));
    if ('ok' in full)
      log(`  ${(full.ok.wallMs / 1000).toFixed(1)} s, status ${full.ok.summary?.status ?? 'unknown'}`);
    let noOp: Outcome<RefreshRun> | null = null;
    if (wants('3')) {
      log('3. no-op night (same refresh again, nothing changed upstream)');
      noOp =
        'ok' in full && full.ok.summary?.status === 'published'
          ? await outcome('careerdata refresh (no-op)', () => runRefreshCli(envr, SETTINGS.refreshTimeoutMs))
          : { unavailable: 'the full refresh did not publish a snapshot' };
      if ('ok' in noOp)
        log(`  ${(noOp.ok.wallMs / 1000).toFixed(1)} s, status ${noOp.ok.summary?.status ?? 'unknown'}`);
    }
    raw.refresh = { full, noOp };
    lines.push(...refreshLines(full, noOp, quick ? `${MAIN.scale * 100} % size` : 'full size'));

    if (wants('5')) {
      log('5. read API (autocannon)');
      let api: Outcome<ReadApiBench>;
      if (!hasCommand('serve'))
        api = { unavailable: '`careerdata serve` is not in this build (src/api in progress)' };
      else if (!('ok' in full) || full.ok.summary?.status !== 'published')
        api = { unavailable: 'no snapshot to serve (the refresh did not publish)' };
      else {
        api = await outcome('read API load test', () =>
          benchReadApi(
            envr.env,
            envr.dir,
            {
              connections: SETTINGS.connections,
              durationSec: SETTINGS.loadSec,
              warmupSec: SETTINGS.warmupSec,
            },
            log,
          ),
        );
      }
      raw.readApi = api;
      lines.push(...readApiLines(api));
    }
  } finally {
    await envr.close();
  }
}

// 2b. A changed night: fresh dirs, an earlier snapshot from a refresh without CareerOneStop.
if (wants('2')) {
  log('2b. changed night (refresh publishing over an earlier, different snapshot)');
  const envr = await startBenchEnvironment(main.dir, { SHUTDOWN_TIMEOUT: '5s' });
  try {
    const changed = await outcome('changed-night refresh', () =>
      runChangedNight(envr, SETTINGS.refreshTimeoutMs),
    );
    if ('ok' in changed)
      log(`  ${(changed.ok.wallMs / 1000).toFixed(1)} s, status ${changed.ok.summary?.status ?? 'unknown'}`);
    raw.changedNight = changed;
    lines.push(changedNightLine(changed, quick ? `${MAIN.scale * 100} % size` : 'full size'));
  } finally {
    await envr.close();
  }
}

// 4. Through the queue: fresh dirs, same inputs, private Redis.
if (wants('4')) {
  log('4. queue (2 workers + Redis)');
  let queue: Outcome<QueueBench>;
  const missing = await missingQueueCommands(help);
  if (missing.length > 0) {
    queue = {
      unavailable: `\`careerdata ${missing.join('`/`careerdata ')}\` not in this build (src/queue + jobs/ in progress)`,
    };
  } else if (!('ok' in full)) {
    queue = { unavailable: 'the in-process refresh did not run' };
  } else {
    const redis = await startPrivateRedis();
    if ('unavailable' in redis) queue = { unavailable: redis.unavailable };
    else {
      const envr = await startBenchEnvironment(main.dir, { SHUTDOWN_TIMEOUT: '5s' });
      try {
        queue = await outcome('queue refresh', () =>
          benchQueue(envr, redis.url, { workers: 2, timeoutMs: SETTINGS.refreshTimeoutMs }, log),
        );
      } finally {
        await envr.close();
        await redis.stop();
      }
    }
  }
  raw.queue = queue;
  lines.push(queueLine(queue, full));
}

lines.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const meta = {
  mode: quick ? 'quick' : 'full',
  startedAt: started.toISOString(),
  seconds: Math.round((Date.now() - started.getTime()) / 1000),
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  loadAverage: {
    before: loadBefore.map((n) => Number(n.toFixed(2))),
    after: os.loadavg().map((n) => Number(n.toFixed(2))),
  },
  inputs: Object.fromEntries(
    Object.entries(manifests).map(([k, m]) => [
      k,
      { scale: m.scale, lines: m.flat.lines, bytes: m.flat.bytes, mix: m.flat.mix },
    ]),
  ),
  goals: GOALS,
};

const header =
  `careerdata benchmark, ${meta.mode} run, ${meta.startedAt} — Node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}, ` +
  `load average ${meta.loadAverage.before[0]} → ${meta.loadAverage.after[0]}, ${meta.seconds} s`;
const quickCaveat = quick
  ? '\nQuick run: 10 % inputs, one repetition, 3 s load runs. The goals are set for the full size; at 10 % fixed\ncosts weigh more (process start-up against a 7 s refresh, a 76 MiB baseline against 3 MB of output), so a goal\nmarked MISSED here says nothing about the full run. Run without --quick for the figures that count.\n'
  : '';
process.stdout.write(
  `\n${header}\n(figures are noisy; the ratios, measured in the same run, are what count)\n${quickCaveat}\n${formatTable(lines)}\n`,
);

if (opts.out) {
  const out = path.resolve(opts.out);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ meta, lines, markdown: markdownTable(lines), raw }, null, 2)}\n`);
  log(`wrote ${path.relative(PACKAGE_ROOT, out) || out}`);
}
