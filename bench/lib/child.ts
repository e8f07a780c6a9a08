/**
 * Runs one benchmarked process at a time and reads back what it measured. A contender prints its
 * result as the last stdout line prefixed `BENCH_RESULT `; any node process (the CLI, a worker) can
 * instead be started with the `peakRss` preload, which writes its own peak RSS when it exits.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { built } from './build.js';
import { RESULT_PREFIX } from './report.js';

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Peak resident set size in KiB, from the preload (or the contender's own report). */
  maxRssKiB: number | undefined;
}

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  nodeArgs?: string[];
}

let rssFiles = 0;

/** Start a compiled script (`bench/out/build/…`) with the peak-RSS preload; resolves when it exits. */
export function startNode(script: string, args: string[], opts: ChildOptions = {}) {
  const rssFile = path.join(os.tmpdir(), `careerdata-bench-rss-${process.pid}-${++rssFiles}.json`);
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), '--import', built('bench/support/peakRss.ts'), script, ...args],
    {
      cwd: opts.cwd ?? process.cwd(),
      env: { ...(opts.env ?? process.env), BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    // Keep the tail only: a chatty process must not fill the benchmark's memory.
    stderr = (stderr + d).slice(-20_000);
  });
  const timer =
    opts.timeoutMs !== undefined
      ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs).unref()
      : undefined;
  const done = new Promise<ChildRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', async (code, signal) => {
      const wallMs = performance.now() - t0;
      if (timer) clearTimeout(timer);
      let maxRssKiB: number | undefined;
      try {
        maxRssKiB = (JSON.parse(await readFile(rssFile, 'utf8')) as { maxRssKiB: number }).maxRssKiB;
      } catch {}
      await rm(rssFile, { force: true });
      resolve({ code, signal, stdout, stderr, wallMs, maxRssKiB });
    });
  });
  return { child, done };
}

export function runNode(script: string, args: string[], opts: ChildOptions = {}): Promise<ChildRun> {
  return startNode(script, args, opts).done;
}

/** The contender's `BENCH_RESULT` JSON, or an error naming the script and its stderr. */
export function resultOf<T>(run: ChildRun, what: string): T {
  const line = run.stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_PREFIX));
  if (run.code !== 0 || !line) {
    throw new Error(
      `${what} failed (exit ${run.code ?? run.signal}): ${run.stderr.trim().split('\n').slice(-5).join(' | ') || 'no output'}`,
    );
  }
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as T;
}
