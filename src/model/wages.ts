/** OEWS estimates → the `wages` part of occupation records (pure). */
import type { OewsEstimate, OewsReadResult } from '../readers/oewsTypes.js';
import { topCodeFor } from '../readers/oewsTypes.js';
import type { AreaWageBlock, WageBlock, Wages } from './occupation.js';

function block(e: OewsEstimate): WageBlock {
  return {
    employment: e.employment,
    annual: { ...e.annual },
    hourly: { ...e.hourly },
    topCoded: [...e.topCoded],
    notAvailable: [...e.notAvailable],
  };
}

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
  const detailed = oews.estimates.filter((e) => e.group === 'detailed');
  const loaded = {
    states: detailed.some((e) => e.areaType === 'state' || e.areaType === 'territory'),
    areas: detailed.some((e) => e.areaType === 'metro' || e.areaType === 'nonmetro'),
  };
  for (const e of detailed) {
    if (e.areaType !== 'national') continue;
    const w: Wages = { release: oews.release, topCode, national: block(e) };
    if (loaded.states) w.states = {};
    if (loaded.areas) w.areas = {};
    bySoc.set(e.soc, w);
  }
  const orphans = new Set<string>();
  for (const e of detailed) {
    if (e.areaType === 'national') continue;
    const w = bySoc.get(e.soc);
    if (!w) {
      orphans.add(e.soc);
      continue;
    }
    if ((e.areaType === 'state' || e.areaType === 'territory') && e.state) {
      w.states![e.state] = block(e);
    } else if (e.areaType === 'metro' || e.areaType === 'nonmetro') {
      const area: AreaWageBlock = { ...block(e), name: e.areaName, type: e.areaType };
      w.areas![e.areaCode] = area;
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
