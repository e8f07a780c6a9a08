/**
 * The EP workbook (`occupation.xlsx`) and the GPTs-are-GPTs `occ_level.csv` for every generated
 * occupation, written by the project's own fixture writers from generated rows.
 */
import type { EpProjection } from '../../fixtures/figures.js';
import { epWorkbook } from '../../fixtures/generate/epWorkbook.js';
import { exposureCsv } from '../../fixtures/generate/exposureCsv.js';
import { EP_EDUCATION, EP_EXPERIENCE, EP_TRAINING } from '../../src/readers/epXlsxReader.js';
import { EP_ONLY_SOC, type Occupation } from './occupations.js';
import { random } from './random.js';

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Table 1.2 rows: a Summary row per total/major/minor/broad group, a Line item per detailed code. */
export function epRows(
  occupations: Occupation[],
  detailed: Array<{ soc: string; title: string }>,
): EpProjection[] {
  const rows: EpProjection[] = [];
  const lineItem = (soc: string, title: string, employment: number): EpProjection => {
    const rng = random(`ep:${soc}`);
    const base = Math.max(0.1, round1(employment / 1000));
    const target = Math.max(0.1, round1(base * (1 + 0.03 + 0.08 * rng.gauss())));
    return {
      soc,
      title: title.charAt(0) + title.slice(1).toLowerCase(),
      type: 'Line item',
      base,
      target,
      selfEmployed: round1(20 * rng.next() ** 2),
      openings: Math.max(0.1, round1(base * (0.06 + 0.1 * rng.next()))),
      categories: [rng.pick(EP_EDUCATION), rng.pick(EP_EXPERIENCE), rng.pick(EP_TRAINING)],
      ooh: `https://www.bls.gov/ooh/generated/${soc}.htm`,
    };
  };
  const bySoc = new Map(occupations.map((o) => [o.soc, o]));
  for (const o of occupations) {
    if (o.level === 'detailed') rows.push(lineItem(o.soc, o.title, o.national.employment));
    else {
      const base = Math.max(0.1, round1(o.national.employment / 1000));
      rows.push({
        soc: o.soc,
        title: o.title,
        type: 'Summary',
        base,
        target: round1(base * 1.031),
        selfEmployed: 5,
        openings: round1(base * 0.1),
      });
    }
  }
  const extra = detailed.find((d) => d.soc === EP_ONLY_SOC && !bySoc.has(d.soc));
  if (extra) rows.push(lineItem(extra.soc, extra.title, 25_000));
  return rows.sort((a, b) => (a.soc < b.soc ? -1 : a.soc > b.soc ? 1 : 0));
}

export function epWorkbookBytes(rows: EpProjection[]): Promise<Uint8Array> {
  return epWorkbook({ rows });
}

/** One `.00` row per detailed code, and for one in twelve a few O*NET children as well. */
export function exposureText(detailed: Array<{ soc: string; title: string }>): string {
  const rows = detailed.flatMap((d) => {
    const rng = random(`exposure:${d.soc}`);
    const one = (code: string, title: string) => {
      const tasks = rng.int(12, 45);
      const a = rng.int(0, Math.floor(tasks / 3));
      const b = Math.min(tasks, a + rng.int(0, Math.floor(tasks / 2)));
      const g = Math.min(tasks, b + rng.int(0, Math.floor(tasks / 3)));
      return {
        code,
        title,
        tasks,
        dv: [a, b, g] as [number, number, number],
        human: [a, b, g] as [number, number, number],
      };
    };
    const out = [one(`${d.soc}.00`, d.title)];
    if (rng.chance(1 / 12))
      for (let i = 1; i <= rng.int(1, 3); i++) out.push(one(`${d.soc}.0${i}`, `${d.title} (specialty ${i})`));
    return out;
  });
  return exposureCsv(rows);
}
