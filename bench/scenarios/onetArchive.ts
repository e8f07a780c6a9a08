/**
 * Line 6: the O*NET reader over a full-size text release (~100 MB uncompressed, nine needed entries
 * among ~20) against a raw unzip of the same nine entries, each in its own process, best time of the
 * repetitions, median peak RSS; and the reader over a zip of the nine entries alone, to show that
 * the entries it skips cost no memory. The reader's peak moves by ±15 % between identical runs (when
 * V8 collects), so the memory comparison takes the median of at least five repetitions.
 */
import { built } from '../lib/build.js';
import { resultOf, runNode } from '../lib/child.js';

export interface OnetContenderResult {
  ms: number;
  bytes: number;
  rows: number;
  maxRssKiB: number;
  occupations?: number;
  rejected?: number;
}

export interface OnetArchiveBench {
  reader: OnetContenderResult;
  readerNeededOnly: OnetContenderResult;
  rawUnzip: OnetContenderResult;
  repetitions: number;
}

async function run(script: string, file: string): Promise<OnetContenderResult> {
  const r = await runNode(built(script), [file], { timeoutMs: 10 * 60_000 });
  return resultOf<OnetContenderResult>(r, script);
}

export const ONET_MIN_REPETITIONS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function best(runs: OnetContenderResult[]): OnetContenderResult {
  const fastest = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ...fastest, maxRssKiB: median(runs.map((r) => r.maxRssKiB)) };
}

export async function benchOnetArchive(
  files: { full: string; neededOnly: string },
  repetitions: number,
  log: (line: string) => void,
): Promise<OnetArchiveBench> {
  const reader: OnetContenderResult[] = [];
  const neededOnly: OnetContenderResult[] = [];
  const raw: OnetContenderResult[] = [];
  for (let i = 0; i < repetitions; i++) {
    raw.push(await run('bench/contenders/onetRawUnzip.ts', files.full));
    reader.push(await run('bench/contenders/onetReader.ts', files.full));
    neededOnly.push(await run('bench/contenders/onetReader.ts', files.neededOnly));
    log(
      `  rep ${i + 1}: reader ${reader.at(-1)!.ms.toFixed(0)} ms, raw unzip ${raw.at(-1)!.ms.toFixed(0)} ms, nine-entry zip ${neededOnly.at(-1)!.ms.toFixed(0)} ms`,
    );
  }
  return { reader: best(reader), readerNeededOnly: best(neededOnly), rawUnzip: best(raw), repetitions };
}
