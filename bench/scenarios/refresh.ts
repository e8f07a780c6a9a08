/**
 * Lines 2 and 3: the whole refresh through the real CLI (`careerdata refresh --json`, compiled), once
 * over fresh dirs (everything downloaded, parsed, built and published) and once more with nothing
 * changed upstream (every file a 304, every CareerOneStop entry fresh).
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

export async function runRefreshCli(envr: BenchEnvironment, timeoutMs: number): Promise<RefreshRun> {
  const mark = envr.server.requests.length;
  const run = await runNode(built('src/cli/main.ts'), ['refresh', '--json'], {
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
