/**
 * Line 6: the O*NET reader over a full-size text release (~100 MB uncompressed, nine needed entries
 * among ~20) against a raw unzip of the same nine entries, each in its own process, best time of the
 * repetitions, highest peak RSS; and the reader over a zip of the nine entries alone, to show that
 * the entries it skips cost no memory.
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

function best(runs: OnetContenderResult[]): OnetContenderResult {
  const fastest = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ...fastest, maxRssKiB: Math.max(...runs.map((r) => r.maxRssKiB)) };
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
