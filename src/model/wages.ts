/** OEWS estimates → the `wages` part of occupation records (pure). */
import type { OewsReadResult } from '../readers/oewsTypes.js';
import { topCodeFor } from '../readers/oewsTypes.js';
import type { AreaWageBlock, WageBlock, Wages } from './occupation.js';

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
  // States and areas are gathered first and each record's maps are built once, sorted, as
  // prototype-less objects: adding ~500 area codes one by one to plain objects gives every record
  // its own chain of V8 hidden classes (~40 MB of them at full size).
  const parts = new Map<string, { states: [string, WageBlock][]; areas: [string, AreaWageBlock][] }>();
  for (const i of detailed) {
    if (table.areaType(i) !== 'national') continue;
    const w: Wages = { release: oews.release, topCode, national: table.wageBlock(i) };
    bySoc.set(table.soc(i), w);
    parts.set(table.soc(i), { states: [], areas: [] });
  }
  const orphans = new Set<string>();
  for (const i of detailed) {
    const area = table.area(i);
    if (area.areaType === 'national') continue;
    const p = parts.get(table.soc(i));
    if (!p) {
      orphans.add(table.soc(i));
      continue;
    }
    if ((area.areaType === 'state' || area.areaType === 'territory') && area.state) {
      p.states.push([area.state, table.wageBlock(i)]);
    } else if (area.areaType === 'metro' || area.areaType === 'nonmetro') {
      // A literal, not `{ ...block, name, type }`: V8 gives every spread-then-extended object a
      // hidden class of its own (95,000 of them at full size).
      const b = table.wageBlock(i);
      const block: AreaWageBlock = {
        employment: b.employment,
        annual: b.annual,
        hourly: b.hourly,
        topCoded: b.topCoded,
        notAvailable: b.notAvailable,
        name: area.areaName,
        type: area.areaType,
      };
      if (b.rejected) block.rejected = b.rejected;
      p.areas.push([area.areaCode, block]);
    }
  }
  for (const [soc, w] of bySoc) {
    const p = parts.get(soc)!;
    if (loaded.states) w.states = sortedRecord(p.states);
    if (loaded.areas) w.areas = sortedRecord(p.areas);
  }
  return { release: oews.release, bySoc, withoutNational: [...orphans].sort(), loaded };
}

function sortedRecord<V>(entries: [string, V][]): Record<string, V> {
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const out = Object.create(null) as Record<string, V>;
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/**
 * A record read back from JSON (a stage file, a stored snapshot) with its state and area maps
 * rebuilt like `indexWages` builds them: JSON.parse gives each record's ~500-key area object a chain
 * of V8 hidden classes of its own, tens of MB for a whole snapshot held in memory.
 */
export function compactWageMaps<R extends { wages: Wages | null }>(record: R): R {
  const w = record.wages;
  if (w?.states) w.states = sortedRecord(Object.entries(w.states));
  if (w?.areas) w.areas = sortedRecord(Object.entries(w.areas));
  return record;
}
