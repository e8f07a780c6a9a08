/**
 * `oe.data.0.Current` at upstream size (≈5.7 M lines, ≈330 MB at scale 1) and its lookup files, in
 * the layout of docs/bls.md §3: tab-separated, series ids padded to 30, values right-aligned in 12,
 * sorted by series id. The mix follows upstream: national cross-industry, national by industry
 * (a large share, never used by the snapshot), state, and metro/nonmetro series, all 17 datatypes.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { type Area, industries, metroAreas, NATIONAL, states } from './areas.js';
import { type Cell, type Estimate, estimateFor, type Scope } from './estimates.js';
import { DISPLAY_LEVEL, type Occupation } from './occupations.js';
import { random } from './random.js';

export const RELEASE = { year: 2024, releaseDate: '2024A01', description: 'May 2024' } as const;

interface Datatype {
  code: string;
  name: string;
  decimals: number;
  cell: (e: Estimate) => Cell;
  skip?: Occupation['wages'];
}

export const DATATYPES: Datatype[] = [
  { code: '01', name: 'Employment', decimals: 0, cell: (e) => e.employment },
  { code: '02', name: 'Employment percent relative standard error', decimals: 1, cell: (e) => e.empRse },
  { code: '03', name: 'Hourly mean wage', decimals: 2, cell: (e) => e.hourly[5]!, skip: 'annualOnly' },
  { code: '04', name: 'Annual mean wage', decimals: 0, cell: (e) => e.annual[5]!, skip: 'hourlyOnly' },
  { code: '05', name: 'Wage percent relative standard error', decimals: 1, cell: (e) => e.wageRse },
  ...[10, 25, 50, 75, 90].map((p, i) => ({
    code: String(6 + i).padStart(2, '0'),
    name: `Hourly ${p === 50 ? 'median' : `${p}th percentile`} wage`,
    decimals: 2,
    cell: (e: Estimate) => e.hourly[i]!,
    skip: 'annualOnly' as const,
  })),
  ...[10, 25, 50, 75, 90].map((p, i) => ({
    code: String(11 + i),
    name: `Annual ${p === 50 ? 'median' : `${p}th percentile`} wage`,
    decimals: 0,
    cell: (e: Estimate) => e.annual[i]!,
    skip: 'hourlyOnly' as const,
  })),
  { code: '16', name: 'Employment per 1,000 jobs', decimals: 3, cell: (e) => e.jobs1000 },
  { code: '17', name: 'Location Quotient', decimals: 2, cell: (e) => e.locQuotient },
];

/** Occupations published for an area or industry: the total and majors always, the rest by coverage. */
export function membersOf(key: string, coverage: number, occupations: Occupation[]): Occupation[] {
  if (coverage >= 1) return occupations;
  const rng = random(`members:${key}`);
  return occupations.filter((o) => o.level === 'total' || o.level === 'major' || rng.next() < coverage);
}

export const areaScope = (a: Area): Scope =>
  a.letter === 'N' ? { key: 'national', wageFactor: 1, employmentShare: 1 } : { key: `area:${a.code}`, ...a };

/** Buffered latin1 writer: string chunks of ~1 MB straight to a file descriptor. */
class LineSink {
  private fd: number;
  private buffer = '';
  lines = 0;
  bytes = 0;
  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }
  line(text: string): void {
    this.buffer += text;
    this.lines++;
    if (this.buffer.length >= 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buffer.length === 0) return;
    this.bytes += writeSync(this.fd, this.buffer, null, 'latin1');
    this.buffer = '';
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

function seriesLines(sink: LineSink, prefix: string, o: Occupation, e: Estimate): void {
  for (const d of DATATYPES) {
    if (d.skip === o.wages) continue;
    const cell = d.cell(e);
    const [value, footnote] =
      cell === '#' ? ['-', '5'] : cell === '*' ? ['-', '8'] : [cell.toFixed(d.decimals), ''];
    sink.line(`${prefix}${o.code}${d.code}     \t${RELEASE.year}\tA01\t${value.padStart(12)}\t${footnote}\n`);
  }
}

export interface FlatFileStats {
  lines: number;
  bytes: number;
  /** Data lines by kind, for docs/performance.md's description of the mix. */
  mix: { nationalCrossIndustry: number; nationalByIndustry: number; state: number; metro: number };
}

/** Write every flat file into `dir`; returns the data file's line and byte counts. */
export function writeFlatFiles(dir: string, occupations: Occupation[], scale: number): FlatFileStats {
  const stateList = states(scale);
  const metroList = metroAreas(scale);
  const industryList = industries(scale);
  const sink = new LineSink(path.join(dir, 'oe.data.0.Current'));
  sink.line(`${'series_id'.padEnd(30)}\tyear\tperiod\t${'value'.padStart(12)}\tfootnote_codes\n`);
  const mix = { nationalCrossIndustry: 0, nationalByIndustry: 0, state: 0, metro: 0 };
  const writeArea = (a: Area, industry: string, scope: Scope, coverage: number, kind: keyof typeof mix) => {
    const before = sink.lines;
    const prefix = `OEU${a.letter}${a.code}${industry}`;
    for (const o of membersOf(`${scope.key}`, coverage, occupations)) {
      seriesLines(sink, prefix, o, estimateFor(o, scope));
    }
    mix[kind] += sink.lines - before;
  };
  // Sorted by series id: M… < N… < S…, then area, industry, occupation, datatype.
  for (const a of metroList) writeArea(a, '000000', areaScope(a), a.coverage, 'metro');
  writeArea(NATIONAL, '000000', areaScope(NATIONAL), 1, 'nationalCrossIndustry');
  for (const i of industryList) {
    writeArea(NATIONAL, i.code, { key: `industry:${i.code}`, ...i }, i.coverage, 'nationalByIndustry');
  }
  for (const a of stateList) writeArea(a, '000000', areaScope(a), a.coverage, 'state');
  sink.close();

  const tsv = (rows: string[][]) => `${rows.map((r) => r.join('\t')).join('\n')}\n`;
  const write = (name: string, rows: string[][]) => writeFileSync(path.join(dir, name), tsv(rows), 'latin1');
  write('oe.occupation', [
    ['occupation_code', 'occupation_name', 'display_level', 'selectable', 'sort_sequence'],
    ...occupations.map((o, i) => [o.code, o.title, String(DISPLAY_LEVEL[o.level]), 'T', String(i + 1)]),
  ]);
  write('oe.area', [
    ['state_code', 'area_code', 'areatype_code', 'area_name'],
    ...[NATIONAL, ...stateList, ...metroList].map((a) => [a.fips, a.code, a.letter, a.name]),
  ]);
  write('oe.industry', [
    ['industry_code', 'industry_name', 'display_level', 'selectable', 'sort_sequence'],
    ['000000', 'Cross-industry', '0', 'T', '1'],
    ...industryList.map((i, n) => [i.code, i.name, '3', 'T', String(n + 2)]),
  ]);
  write('oe.release', [
    ['release_date', 'description'],
    [RELEASE.releaseDate, RELEASE.description],
  ]);
  write('oe.areatype', [
    ['areatype_code', 'areatype_name'],
    ['M', 'Metropolitan or nonmetropolitan area'],
    ['N', 'National'],
    ['S', 'Statewide'],
  ]);
  write('oe.datatype', [['datatype_code', 'datatype_name'], ...DATATYPES.map((d) => [d.code, d.name])]);
  write('oe.footnote', [
    ['footnote_code', 'footnote_text'],
    ['5', 'This wage is equal to or greater than $115.00 per hour or $239,200 per year.'],
    ['8', 'Estimate not released.'],
  ]);
  return { lines: sink.lines - 1, bytes: sink.bytes, mix };
}

/** Every (area, occupation) estimate of the cross-industry series, for the workbooks. */
export function* areaEstimates(
  areas: Area[],
  occupations: Occupation[],
): Generator<{ area: Area; occupation: Occupation; estimate: Estimate }> {
  for (const a of areas) {
    const scope = areaScope(a);
    for (const o of membersOf(scope.key, a.coverage, occupations)) {
      yield { area: a, occupation: o, estimate: estimateFor(o, scope) };
    }
  }
}
