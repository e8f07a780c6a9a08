/**
 * The area of a flat-file series, labelled as the yearly workbooks label it: from the series id's
 * area type letter and code, named by `oe.area`.
 */
import { FIPS_TO_POSTAL } from '../model/states.js';
import type { OewsAreaInfo } from './oewsEstimateTable.js';
import type { OewsArea } from './oewsFlatFileMeta.js';
import type { OewsSeriesAreaType } from './oewsSeriesId.js';

/**
 * The U.S. as the yearly workbooks name it (AREA_TITLE), where oe.area says "National": both
 * readers give the national estimate the same code ("99") and name.
 */
export const NATIONAL_AREA_NAME = 'U.S.';
/** Guam, Puerto Rico, the Virgin Islands: the workbooks' area type 3. */
const TERRITORY_FIPS = new Set(['66', '72', '78']);

/** Why a series' area cannot be labelled (the reject's expected and reason). */
export interface AreaProblem {
  expected: string;
  reason: string;
}

export function resolveArea(
  letter: OewsSeriesAreaType,
  code: string,
  areas: Map<string, OewsArea>,
): OewsAreaInfo | AreaProblem {
  const area = areas.get(code);
  if (!area) return { expected: `area ${code} listed in oe.area`, reason: 'area not in oe.area' };
  if (area.areaTypeCode && area.areaTypeCode !== letter) {
    return {
      expected: `area type ${area.areaTypeCode} for area ${code} (as in oe.area)`,
      reason: 'area type disagrees with oe.area',
    };
  }
  if (letter === 'N') {
    return { areaType: 'national', areaCode: '99', areaName: NATIONAL_AREA_NAME, state: null };
  }
  if (letter === 'S') {
    const fips = area.stateCode ?? code.slice(0, 2);
    const postal = FIPS_TO_POSTAL[fips];
    if (!postal) return { expected: 'a state or territory FIPS code', reason: 'unknown state FIPS code' };
    const territory = TERRITORY_FIPS.has(fips);
    return {
      areaType: territory ? 'territory' : 'state',
      areaCode: fips,
      areaName: area.name,
      state: postal,
    };
  }
  const nonmetro = /nonmetropolitan area/i.test(area.name);
  return {
    areaType: nonmetro ? 'nonmetro' : 'metro',
    areaCode: code,
    areaName: area.name,
    state: null,
  };
}
