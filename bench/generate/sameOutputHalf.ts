/**
 * A half-size `oe.data.0.Current` with the same output: every line the snapshot uses (cross-industry,
 * a published datatype, a detailed occupation) is kept, and just enough of the other lines to make
 * the file half the bytes of the source. The reader's output is then identical at both sizes, so any
 * difference in its peak memory comes from the file's size alone (the "memory must not grow with
 * file size" check). Deterministic: lines are thinned evenly, not at random.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

const SMALL_FILES = [
  'oe.occupation',
  'oe.area',
  'oe.release',
  'oe.industry',
  'oe.areatype',
  'oe.datatype',
  'oe.footnote',
];

/** True for a data line the snapshot uses (series id at the start of the line, docs/bls.md §3). */
type Used = (line: string) => boolean;

export function usedBySnapshot(detailedCodes: ReadonlySet<string>, datatypes: ReadonlySet<string>): Used {
  return (line) =>
    line.startsWith('OEU') &&
    line.slice(11, 17) === '000000' &&
    detailedCodes.has(line.slice(17, 23)) &&
    datatypes.has(line.slice(23, 25));
}

type MixKind = 'nationalCrossIndustry' | 'nationalByIndustry' | 'state' | 'metro';

function mixKind(line: string): MixKind {
  if (line[3] === 'S') return 'state';
  if (line[3] === 'M') return 'metro';
  return line.slice(11, 17) === '000000' ? 'nationalCrossIndustry' : 'nationalByIndustry';
}

async function* linesOf(file: string): AsyncGenerator<string> {
  yield* createInterface({
    input: createReadStream(file, { encoding: 'latin1' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
}

export async function writeSameOutputHalf(
  sourceDir: string,
  targetDir: string,
  used: Used,
): Promise<{ lines: number; bytes: number; mix: Record<MixKind, number> }> {
  const source = path.join(sourceDir, 'oe.data.0.Current');
  let usedBytes = 0;
  let otherBytes = 0;
  let first = true;
  for await (const line of linesOf(source)) {
    const bytes = line.length + 1;
    if (first || used(line)) usedBytes += bytes;
    else otherBytes += bytes;
    first = false;
  }
  // Keep this share of the unused lines so that the file is half the size of the source.
  const share = Math.max(
    0,
    Math.min(1, ((usedBytes + otherBytes) / 2 - usedBytes) / Math.max(1, otherBytes)),
  );
  const out = createWriteStream(path.join(targetDir, 'oe.data.0.Current'), { encoding: 'latin1' });
  let lines = 0;
  let bytes = 0;
  let credit = 0;
  const mix: Record<MixKind, number> = {
    nationalCrossIndustry: 0,
    nationalByIndustry: 0,
    state: 0,
    metro: 0,
  };
  first = true;
  for await (const line of linesOf(source)) {
    let keep = first || used(line);
    if (!keep) {
      credit += share;
      if (credit >= 1) {
        credit -= 1;
        keep = true;
      }
    }
    first = false;
    if (!keep) continue;
    if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    if (lines > 0) mix[mixKind(line)]++;
    lines++;
    bytes += line.length + 1;
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  for (const name of SMALL_FILES) await copyFile(path.join(sourceDir, name), path.join(targetDir, name));
  return { lines: lines - 1, bytes, mix };
}
