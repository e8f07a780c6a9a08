/**
 * Lines 2 and 3: the whole refresh through the real CLI (`careerdata refresh --json`, compiled), once
 * over fresh dirs (everything downloaded, parsed, built and published) and once more with nothing
 * changed upstream (every file a 304, every CareerOneStop entry fresh). Line 2b: a changed night,
 * the whole refresh publishing over an existing snapshot whose content differs (so the publish
 * reads the latest snapshot for the gates and the diff, as most real nights do).
 */
import { built } from '../lib/build.js';
import { runNode } from '../lib/child.js';
import type { BenchEnvironment, ServedTraffic } from './environment.js';

export interface RefreshRun {
  wallMs: number;
  maxRssKiB: number | undefined;
  exitCode: number | null;
  /** The `--json` summary line: status, snapshotId, downloadedBytes, stages (ms), … */
  summary: {
    status: string;
    snapshotId: string | null;
    previousId: string | null;
    occupations: number;
    rejectedRows: number;
    downloadedBytes: number;
    stages: Record<string, number>;
    error?: string;
  } | null;
  served: ServedTraffic;
  stderrTail: string;
}

export async function runRefreshCli(
  envr: BenchEnvironment,
  timeoutMs: number,
  extraArgs: string[] = [],
): Promise<RefreshRun> {
  const mark = envr.server.requests.length;
  const run = await runNode(built('main.ts'), ['refresh', '--json', ...extraArgs], {
    env: envr.env,
    // Not the repo: the CLI would load a developer's .env from its working directory.
    cwd: envr.dir,
    timeoutMs,
  });
  const last = run.stdout.trim().split('\n').pop() ?? '';
  let summary: RefreshRun['summary'] = null;
  try {
    summary = JSON.parse(last) as RefreshRun['summary'];
  } catch {}
  return {
    wallMs: run.wallMs,
    maxRssKiB: run.maxRssKiB,
    exitCode: run.code,
    summary,
    served: envr.servedSince(mark),
    stderrTail: run.stderr.trim().split('\n').slice(-3).join(' | '),
  };
}

/**
 * Line 2b. The earlier snapshot is made by a refresh without CareerOneStop (not measured), so every
 * record differs from what the measured full refresh builds.
 */
export async function runChangedNight(envr: BenchEnvironment, timeoutMs: number): Promise<RefreshRun> {
  const seed = await runRefreshCli(envr, timeoutMs, ['--sources', 'oews,ep,exposure,epoch']);
  if (seed.summary?.status !== 'published') {
    throw new Error(`the seeding refresh did not publish (${seed.summary?.status ?? seed.stderrTail})`);
  }
  return runRefreshCli(envr, timeoutMs);
}
