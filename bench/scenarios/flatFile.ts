/**
 * Line 1: the OEWS flat-file reader (parse, decode, validate, keep) against csv-parse alone with the
 * same options (the parser's ceiling) and a raw newline count (the machine's ceiling), each in its
 * own process, one at a time, interleaved over the repetitions; the best time of each counts (the
 * least disturbed by other work on the machine), the highest peak RSS counts.
 */
import path from 'node:path';
import { built } from '../lib/build.js';
import { resultOf, runNode } from '../lib/child.js';

export interface ContenderResult {
  ms: number;
  bytes: number;
  rows: number;
  maxRssKiB: number;
}

export interface ReaderResult extends ContenderResult {
  stats: { lines: number; parsed: number; kept: number; rejected: number };
  estimates: number;
  rejected: number;
  resultHeapBytes: number;
}

export interface FlatFileBench {
  reader: ReaderResult;
  csvParse: ContenderResult;
  rawScan: ContenderResult;
  handSplit: ContenderResult;
  /** Half of everything (half the areas and industries): half the output too. */
  readerHalf: ReaderResult;
  /** Half the bytes, the same used series: the same output. */
  readerHalfSameOutput: ReaderResult;
  repetitions: number;
}

const CONTENDERS = {
  rawScan: 'bench/contenders/rawScan.ts',
  csvParse: 'bench/contenders/csvParseOnly.ts',
  handSplit: 'bench/contenders/handSplit.ts',
  reader: 'bench/contenders/flatReader.ts',
} as const;

const TIMEOUT_MS = 15 * 60_000;

async function runContender<T extends ContenderResult>(
  name: keyof typeof CONTENDERS,
  oeDir: string,
): Promise<T> {
  const arg = name === 'reader' ? oeDir : path.join(oeDir, 'oe.data.0.Current');
  // --expose-gc lets the reader split its heap into output and streaming cost; the others never call gc.
  const run = await runNode(built(CONTENDERS[name]), [arg], {
    nodeArgs: ['--expose-gc'],
    timeoutMs: TIMEOUT_MS,
  });
  return resultOf<T>(run, `contender ${name}`);
}

function best<T extends ContenderResult>(runs: T[]): T {
  const fastest = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ...fastest, maxRssKiB: Math.max(...runs.map((r) => r.maxRssKiB)) };
}

export async function benchFlatFile(
  dirs: { full: string; half: string; halfSameOutput: string },
  repetitions: number,
  log: (line: string) => void,
): Promise<FlatFileBench> {
  const fullOeDir = dirs.full;
  const runs: { [K in keyof typeof CONTENDERS]: ContenderResult[] } = {
    rawScan: [],
    csvParse: [],
    handSplit: [],
    reader: [],
  };
  const half: ReaderResult[] = [];
  const halfSame: ReaderResult[] = [];
  for (let i = 0; i < repetitions; i++) {
    for (const name of Object.keys(CONTENDERS) as (keyof typeof CONTENDERS)[]) {
      const r = await runContender(name, fullOeDir);
      runs[name].push(r);
      log(
        `  ${name} #${i + 1}: ${(r.ms / 1000).toFixed(1)} s, ${(r.maxRssKiB / 1024).toFixed(0)} MB peak RSS`,
      );
    }
    const h = await runContender<ReaderResult>('reader', dirs.half);
    half.push(h);
    log(
      `  reader (half of everything) #${i + 1}: ${(h.ms / 1000).toFixed(1)} s, ${(h.maxRssKiB / 1024).toFixed(0)} MB peak RSS`,
    );
    const s = await runContender<ReaderResult>('reader', dirs.halfSameOutput);
    halfSame.push(s);
    log(
      `  reader (half size, same output) #${i + 1}: ${(s.ms / 1000).toFixed(1)} s, ${(s.maxRssKiB / 1024).toFixed(0)} MB peak RSS`,
    );
  }
  return {
    reader: best(runs.reader as ReaderResult[]),
    csvParse: best(runs.csvParse),
    rawScan: best(runs.rawScan),
    handSplit: best(runs.handSplit),
    readerHalf: best(half),
    readerHalfSameOutput: best(halfSame),
    repetitions,
  };
}
