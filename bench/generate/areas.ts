/**
 * Areas and industries of the generated OEWS release: the U.S., every state and territory (real
 * FIPS codes), ~400 metropolitan and nonmetropolitan areas and ~420 industries (synthetic codes and
 * figures). A scale below 1 keeps a seeded subset of each, so a half-size input is a subset of the
 * full one with the same mix.
 */
import { FIPS_TO_POSTAL, STATE_NAMES } from '../../src/model/states.js';
import { hashString, random } from './random.js';

export interface Area {
  /** Flat-file area type letter. */
  letter: 'N' | 'S' | 'M';
  /** Seven-character area code of the series id and oe.area. */
  code: string;
  /** xlsx AREA: 99, the state FIPS, or the metro/nonmetro code as BLS prints it. */
  xlsxArea: string;
  /** xlsx AREA_TYPE: 1 U.S., 2 state, 3 territory, 4 metro, 6 nonmetro. */
  xlsxType: 1 | 2 | 3 | 4 | 6;
  name: string;
  /** Two-digit FIPS of the (primary) state; "00" for the U.S. */
  fips: string;
  postal: string;
  wageFactor: number;
  /** Share of national employment. */
  employmentShare: number;
  /** Share of the occupation codes published for this area. */
  coverage: number;
}

export interface Industry {
  code: string;
  name: string;
  wageFactor: number;
  employmentShare: number;
  coverage: number;
}

export const FULL_COUNTS = { metro: 340, nonmetro: 60, industries: 420 } as const;

const TERRITORIES = new Set(['66', '72', '78']);
const PLACE_WORDS = [
  'Spring',
  'River',
  'Lake',
  'Oak',
  'Cedar',
  'Fair',
  'Green',
  'Mill',
  'Rock',
  'Bay',
  'Elm',
  'Pine',
];
const PLACE_ENDS = ['field', 'ville', 'ton', 'burg', 'port', 'dale', 'wood', 'ford', 'haven', 'view'];
const REGIONS = [
  'Northern',
  'Southern',
  'Eastern',
  'Western',
  'Central',
  'Northeast',
  'Northwest',
  'Southeast',
  'Southwest',
];
const SECTORS = [
  '11',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '42',
  '44',
  '45',
  '48',
  '49',
  '51',
  '52',
  '53',
  '54',
  '55',
  '56',
  '61',
  '62',
  '71',
  '72',
  '81',
  '99',
];

/** The first `count` of `items` in a seeded order, then sorted by code: nested across scales. */
function subset<T extends { code: string }>(items: T[], count: number, salt: string): T[] {
  return [...items]
    .sort((a, b) => hashString(salt + a.code) - hashString(salt + b.code))
    .slice(0, Math.max(1, Math.round(count)))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

export const NATIONAL: Area = {
  letter: 'N',
  code: '0000000',
  xlsxArea: '99',
  xlsxType: 1,
  name: 'National',
  fips: '00',
  postal: 'US',
  wageFactor: 1,
  employmentShare: 1,
  coverage: 1,
};

export function states(scale: number): Area[] {
  const all = Object.entries(FIPS_TO_POSTAL).map(([fips, postal]): Area => {
    const rng = random(`state:${fips}`);
    const territory = TERRITORIES.has(fips);
    return {
      letter: 'S',
      code: `${fips}00000`,
      xlsxArea: fips,
      xlsxType: territory ? 3 : 2,
      name: STATE_NAMES[postal] ?? postal,
      fips,
      postal,
      wageFactor: 0.82 + 0.36 * rng.next(),
      employmentShare: territory ? 0.0008 + 0.003 * rng.next() : 0.003 + 0.05 * rng.next() ** 2,
      coverage: territory ? 0.3 + 0.15 * rng.next() : 0.5 + 0.22 * rng.next(),
    };
  });
  return subset(all, all.length * scale, 'state');
}

export function metroAreas(scale: number): Area[] {
  const stateList = Object.entries(FIPS_TO_POSTAL).filter(([fips]) => !TERRITORIES.has(fips));
  const all: Area[] = [];
  const rng = random('metros');
  const msaCodes = new Set<string>();
  while (msaCodes.size < FULL_COUNTS.metro) msaCodes.add(String(rng.int(1018, 4994) * 10));
  for (const msa of msaCodes) {
    const r = random(`metro:${msa}`);
    const [fips, postal] = r.pick(stateList);
    const size = r.next() ** 3;
    all.push({
      letter: 'M',
      code: `00${msa}`,
      xlsxArea: msa,
      xlsxType: 4,
      name: `${r.pick(PLACE_WORDS)}${r.pick(PLACE_ENDS)}, ${postal}`,
      fips,
      postal,
      wageFactor: 0.8 + 0.45 * r.next(),
      employmentShare: 0.0002 + 0.03 * size,
      coverage: 0.11 + 0.39 * Math.sqrt(size) + 0.075 * r.next(),
    });
  }
  const nonmetroCodes = new Set<string>();
  while (nonmetroCodes.size < FULL_COUNTS.nonmetro) {
    const [fips] = rng.pick(stateList);
    nonmetroCodes.add(`${fips}000${rng.int(1, 9).toString().padStart(2, '0')}`);
  }
  for (const code of nonmetroCodes) {
    const r = random(`nonmetro:${code}`);
    const fips = code.slice(0, 2);
    const postal = FIPS_TO_POSTAL[fips]!;
    all.push({
      letter: 'M',
      code,
      xlsxArea: code,
      xlsxType: 6,
      name: `${r.pick(REGIONS)} ${STATE_NAMES[postal] ?? postal} nonmetropolitan area`,
      fips,
      postal,
      wageFactor: 0.75 + 0.2 * r.next(),
      employmentShare: 0.0003 + 0.0015 * r.next(),
      coverage: 0.18 + 0.12 * r.next(),
    });
  }
  return subset(all, all.length * scale, 'metro');
}

export function industries(scale: number): Industry[] {
  const rng = random('industries');
  const codes = new Set<string>();
  while (codes.size < FULL_COUNTS.industries) codes.add(`${rng.pick(SECTORS)}${rng.int(10, 99)}00`);
  const all = [...codes].map((code): Industry => {
    const r = random(`industry:${code}`);
    return {
      code,
      name: `Industry ${code}`,
      wageFactor: 0.75 + 0.55 * r.next(),
      employmentShare: 0.0005 + 0.01 * r.next() ** 2,
      coverage: 0.06 + 0.28 * r.next(),
    };
  });
  return subset(all, all.length * scale, 'industry');
}
