/** OEWS estimates → the `wages` part of occupation records (pure). */
import type { OewsReadResult } from '../readers/oewsTypes.js';
import { topCodeFor } from '../readers/oewsTypes.js';
import type { AreaWageBlock, Wages } from './occupation.js';

export interface WagesIndex {
  release: string;
  /** SOC → wages, for detailed occupations with a national row. */
  bySoc: Map<string, Wages>;
  /** SOCs with state or area rows but no national detailed row (reported, not published). */
  withoutNational: string[];
  loaded: { states: boolean; areas: boolean };
}

export function releaseYear(release: string): number {
  const m = /(\d{4})/.exec(release);
  return m ? Number(m[1]) : Number.NaN;
}

/** Group detailed estimates by SOC: national block, states by postal code, areas by OEWS area code. */
export function indexWages(oews: OewsReadResult): WagesIndex {
  const topCode = topCodeFor(releaseYear(oews.release));
  const bySoc = new Map<string, Wages>();
  // Read by index, building each wage block straight from the table (no intermediate estimates).
  const table = oews.estimates;
  const detailed: number[] = [];
  for (let i = 0; i < table.length; i++) if (table.group(i) === 'detailed') detailed.push(i);
  const loaded = {
    states: detailed.some((i) => table.areaType(i) === 'state' || table.areaType(i) === 'territory'),
    areas: detailed.some((i) => table.areaType(i) === 'metro' || table.areaType(i) === 'nonmetro'),
  };
  for (const i of detailed) {
    if (table.areaType(i) !== 'national') continue;
    const w: Wages = { release: oews.release, topCode, national: table.wageBlock(i) };
    if (loaded.states) w.states = {};
    if (loaded.areas) w.areas = {};
    bySoc.set(table.soc(i), w);
  }
  const orphans = new Set<string>();
  for (const i of detailed) {
    const area = table.area(i);
    if (area.areaType === 'national') continue;
    const w = bySoc.get(table.soc(i));
    if (!w) {
      orphans.add(table.soc(i));
      continue;
    }
    if ((area.areaType === 'state' || area.areaType === 'territory') && area.state) {
      w.states![area.state] = table.wageBlock(i);
    } else if (area.areaType === 'metro' || area.areaType === 'nonmetro') {
      const block: AreaWageBlock = { ...table.wageBlock(i), name: area.areaName, type: area.areaType };
      w.areas![area.areaCode] = block;
    }
  }
  for (const w of bySoc.values()) {
    if (w.states) w.states = sortKeys(w.states);
    if (w.areas) w.areas = sortKeys(w.areas);
  }
  return { release: oews.release, bySoc, withoutNational: [...orphans].sort(), loaded };
}

function sortKeys<V>(o: Record<string, V>): Record<string, V> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
