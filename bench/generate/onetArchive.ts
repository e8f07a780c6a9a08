/**
 * A full-size O*NET text release for the benchmark (the real `db_29_2_text.zip` holds ~100 MB of
 * text): the nine files the source reads, written by the fixture generator for every generated
 * detailed occupation (plus detailed children for some) with per-occupation counts like the real
 * release's, and filler entries standing for the ~30 files the source skips (abilities, knowledge,
 * work context, …), so the archive has the real one's size. A second zip with the nine files only
 * lets the reader's peak RSS be compared with and without the skipped entries.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { OnetFixtureOccupation } from '../../fixtures/figures.js';
import { onetTextFiles, onetTextZip } from '../../fixtures/generate/onetArchive.js';
import { random } from './random.js';

export const ONET_BENCH_PATH = 'onet/dl_files/database/db_29_2_text.zip';
export const ONET_NEEDED_ONLY_PATH = 'onet-needed-only/db_29_2_text.zip';

/** Skipped entries of the real release (a subset of its names); filled up to the target size. */
const SKIPPED = [
  'Abilities.txt',
  'Knowledge.txt',
  'Skills.txt',
  'Work Activities.txt',
  'Work Context.txt',
  'Work Styles.txt',
  'Interests.txt',
  'Education, Training, and Experience.txt',
  'Task Ratings.txt',
  'Emerging Tasks.txt',
];

export interface OnetArchiveStats {
  codes: number;
  /** Uncompressed bytes: the nine needed files, and every entry. */
  neededBytes: number;
  totalBytes: number;
  zipBytes: number;
}

function occupationsFor(detailed: Array<{ soc: string; title: string }>): OnetFixtureOccupation[] {
  const out: OnetFixtureOccupation[] = [];
  for (const d of detailed) {
    const rng = random(`onet:${d.soc}`);
    const counts = () => ({
      alternate: rng.int(20, 90),
      reported: rng.int(4, 10),
      tech: rng.int(10, 60),
      hot: rng.int(0, 10),
      inDemand: rng.int(0, 3),
      tasks: rng.int(12, 26),
      related: rng.int(10, 20),
    });
    const children = rng.chance(0.12) ? rng.int(1, 4) : 0;
    // An "All Other" SOC with children has no data under .00, as in the real release.
    const allOther = children > 0 && rng.chance(0.4);
    out.push({
      code: `${d.soc}.00`,
      title: d.title,
      jobZone: allOther ? null : rng.int(1, 5),
      ...(allOther ? {} : { counts: counts() }),
    });
    for (let i = 1; i <= children; i++) {
      out.push({
        code: `${d.soc}.${String(i).padStart(2, '0')}`,
        title: `${d.title}, specialty ${i}`,
        jobZone: rng.int(1, 5),
        counts: counts(),
      });
    }
  }
  return out;
}

function filler(codes: string[], bytes: number): Record<string, string> {
  const perEntry = Math.ceil(bytes / SKIPPED.length);
  const out: Record<string, string> = {};
  for (const name of SKIPPED) {
    const rng = random(`onet-filler:${name}`);
    const lines = [
      'O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tN\tStandard Error\tDate\tDomain Source',
    ];
    let size = lines[0]!.length + 2;
    for (let i = 0; size < perEntry; i++) {
      const code = codes[i % codes.length]!;
      const line = `${code}\t1.A.${rng.int(1, 4)}.${rng.int(1, 9)}.${rng.int(1, 9)}\tElement ${rng.int(1, 400)}\tIM\t${(rng.next() * 5).toFixed(2)}\t${rng.int(8, 40)}\t${(rng.next() / 2).toFixed(4)}\t08/2023\tAnalyst`;
      lines.push(line);
      size += line.length + 2;
    }
    out[name] = `${lines.join('\r\n')}\r\n`;
  }
  return out;
}

/** Write the served archive (≈ `totalBytes` uncompressed) and the nine-files-only one under `dir`. */
export function writeOnetArchives(
  dir: string,
  detailed: Array<{ soc: string; title: string }>,
  totalBytes = 100e6,
): OnetArchiveStats {
  const occupations = occupationsFor(detailed);
  const needed = onetTextFiles(occupations);
  const neededBytes = Object.values(needed).reduce((n, t) => n + Buffer.byteLength(t), 0);
  const extra = filler(
    occupations.map((o) => o.code),
    Math.max(0, totalBytes - neededBytes),
  );
  const extraBytes = Object.values(extra).reduce((n, t) => n + Buffer.byteLength(t), 0);
  const zip = onetTextZip({ occupations, filler: extra });
  writeFileSync(path.join(dir, ONET_BENCH_PATH), zip);
  writeFileSync(path.join(dir, ONET_NEEDED_ONLY_PATH), onetTextZip({ occupations }));
  return {
    codes: occupations.length,
    neededBytes,
    totalBytes: neededBytes + extraBytes,
    zipBytes: zip.length,
  };
}
