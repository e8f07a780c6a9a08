/**
 * The occupation list of the generated inputs: the 832 detailed SOC codes and titles that OEWS and EP
 * publish (`detailed-occupations.csv` beside this file; so EP, exposure, O*NET and CareerOneStop all
 * join as upstream does — data/epoch-ratings.csv, which once served as this list, now holds only manual ratings),
 * plus the total, major, minor and broad codes above them, with plausible national figures.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { random } from './random.js';

export type Level = 'total' | 'major' | 'minor' | 'broad' | 'detailed';

export interface NationalFigures {
  employment: number;
  /** Annual p10, p25, median, p75, p90 and mean, unrounded. */
  annual: [number, number, number, number, number, number];
}

export interface Occupation {
  soc: string;
  /** Six digits, no hyphen. */
  code: string;
  title: string;
  level: Level;
  /** BLS publishes annual wages only (teachers, …) or hourly wages only (actors, …). */
  wages: 'both' | 'annualOnly' | 'hourlyOnly';
  national: NationalFigures;
}

/** The one EP line item that OEWS does not publish (docs/bls.md §4). */
export const EP_ONLY_SOC = '45-3031';

const MAJOR_TITLES: Record<string, string> = {
  '11': 'Management',
  '13': 'Business and Financial Operations',
  '15': 'Computer and Mathematical',
  '17': 'Architecture and Engineering',
  '19': 'Life, Physical, and Social Science',
  '21': 'Community and Social Service',
  '23': 'Legal',
  '25': 'Educational Instruction and Library',
  '27': 'Arts, Design, Entertainment, Sports, and Media',
  '29': 'Healthcare Practitioners and Technical',
  '31': 'Healthcare Support',
  '33': 'Protective Service',
  '35': 'Food Preparation and Serving Related',
  '37': 'Building and Grounds Cleaning and Maintenance',
  '39': 'Personal Care and Service',
  '41': 'Sales and Related',
  '43': 'Office and Administrative Support',
  '45': 'Farming, Fishing, and Forestry',
  '47': 'Construction and Extraction',
  '49': 'Installation, Maintenance, and Repair',
  '51': 'Production',
  '53': 'Transportation and Material Moving',
};

export function readDetailedOccupations(): Array<{ soc: string; title: string }> {
  const text = readFileSync(path.join(import.meta.dirname, 'detailed-occupations.csv'), 'utf8');
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  const list = rows
    .map((r) => ({ soc: String(r.soc ?? '').trim(), title: String(r.title ?? '').trim() }))
    .filter((r) => /^\d{2}-\d{4}$/.test(r.soc))
    .sort((a, b) => (a.soc < b.soc ? -1 : 1));
  // An empty list would generate empty inputs and every line would measure nothing.
  if (list.length < 800)
    throw new Error(`detailed-occupations.csv lists ${list.length} occupations, expected 832`);
  return list;
}

function detailedFigures(soc: string): { wages: Occupation['wages']; national: NationalFigures } {
  const rng = random(`occupation:${soc}`);
  const median = Math.min(230_000, Math.max(26_000, 52_000 * Math.exp(0.42 * rng.gauss())));
  const employment = Math.round(Math.max(800, 95_000 * Math.exp(1.25 * rng.gauss())) / 10) * 10;
  const p10 = median * (0.55 + 0.12 * rng.next());
  const p25 = median * (0.74 + 0.1 * rng.next());
  const p75 = median * (1.2 + 0.15 * rng.next());
  const p90 = p75 * (1.18 + 0.25 * rng.next());
  const mean = median * (1.04 + 0.14 * rng.next());
  const roll = rng.next();
  return {
    wages: roll < 0.04 ? 'annualOnly' : roll < 0.06 ? 'hourlyOnly' : 'both',
    national: { employment, annual: [p10, p25, median, p75, p90, mean] },
  };
}

/** Employment-weighted aggregate of the detailed occupations below a group. */
function aggregate(children: Occupation[]): NationalFigures {
  const employment = children.reduce((n, c) => n + c.national.employment, 0);
  const annual = [0, 0, 0, 0, 0, 0] as NationalFigures['annual'];
  for (const c of children) {
    for (let i = 0; i < 6; i++) annual[i]! += (c.national.annual[i]! * c.national.employment) / employment;
  }
  return { employment, annual };
}

/**
 * Every OEWS occupation code, sorted: total, majors, minors, broads and the detailed codes. A detailed
 * code ending in 0 (13-1020) is one that OEWS publishes in place of its broad group: it is listed once.
 */
export function occupationTree(detailedList: Array<{ soc: string; title: string }>): Occupation[] {
  const detailed: Occupation[] = detailedList
    .filter((d) => d.soc !== EP_ONLY_SOC)
    .map((d) => ({
      soc: d.soc,
      code: d.soc.replace('-', ''),
      title: d.title,
      level: 'detailed',
      ...detailedFigures(d.soc),
    }));
  const detailedCodes = new Set(detailed.map((d) => d.soc));
  const groups = new Map<string, { title: string; level: Level; members: Occupation[] }>();
  const addTo = (soc: string, title: string, level: Level, member: Occupation) => {
    let g = groups.get(soc);
    if (!g) {
      g = { title, level, members: [] };
      groups.set(soc, g);
    }
    g.members.push(member);
  };
  for (const d of detailed) {
    const major = d.soc.slice(0, 2);
    addTo('00-0000', 'All Occupations', 'total', d);
    addTo(`${major}-0000`, `${MAJOR_TITLES[major] ?? `Group ${major}`} Occupations`, 'major', d);
    addTo(
      `${d.soc.slice(0, 4)}000`,
      `${MAJOR_TITLES[major] ?? major} Workers, Group ${d.soc.slice(3, 4)}`,
      'minor',
      d,
    );
    const broad = `${d.soc.slice(0, 6)}0`;
    if (!detailedCodes.has(broad))
      addTo(broad, `${d.title.replace(/,.*$/, '')} and Related Workers`, 'broad', d);
  }
  const all: Occupation[] = [...detailed];
  for (const [soc, g] of groups) {
    if (detailedCodes.has(soc)) continue;
    all.push({
      soc,
      code: soc.replace('-', ''),
      title: g.title,
      level: g.level,
      wages: 'both',
      national: aggregate(g.members),
    });
  }
  return all.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** `display_level` in `oe.occupation` (the real file's numbering: 0 total/major … 3 detailed). */
export const DISPLAY_LEVEL: Record<Level, number> = { total: 0, major: 0, minor: 1, broad: 2, detailed: 3 };
