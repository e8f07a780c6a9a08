/**
 * The join: one record per occupation in the union of OEWS detailed occupations and EP line items,
 * keyed by SOC, with derived figures. Pure: data in, records and a report out.
 */
import type { SourceId } from '../config.js';
import { scoreOccupation } from '../methodology/engine.js';
import { getEpochRule } from '../methodology/humanAdvantage/registry.js';
import type { EpochRuleDefinition } from '../methodology/humanAdvantage/types.js';
import type { MethodologyDefinition } from '../methodology/types.js';
import type { readEpochCsv } from '../readers/epochCsvReader.js';
import type { EpReadResult, EpRow } from '../readers/epXlsxReader.js';
import type { readExposureCsv } from '../readers/exposureCsvReader.js';
import type { OewsReadResult } from '../readers/oewsTypes.js';
import type { OnetReadResult } from '../readers/onet/onetTypes.js';
import type { Warning } from '../validate/rejects.js';
import { categoryOf, type HumanAdvantageSources, humanAdvantageInput } from './humanAdvantage.js';
import type { OccupationRecord, Projections } from './occupation.js';
import { mergeAlternateTitles, noOnetParts, onetParts } from './onetParts.js';
import { onetSocGroups, summarizeOnetGroup } from './onetSoc.js';
import { careerProgression } from './progression.js';
import { indexWages, releaseYear } from './wages.js';

type EpochData = Awaited<ReturnType<typeof readEpochCsv>>;
type ExposureData = Awaited<ReturnType<typeof readExposureCsv>>;

export type CareerOneStopFields = Pick<
  OccupationRecord,
  'alsoKnownAs' | 'relatedOccupations' | 'brightOutlook' | 'educationProfile' | 'training'
> &
  Partial<Pick<OccupationRecord, 'video'>> & {
    sourceStatus: OccupationRecord['sourceStatus'][string];
    /** Why a CareerOneStop field or part is null (merged into the record's `missing`). */
    missing?: Record<string, string>;
  };

export interface BuildInput {
  selected: SourceId[];
  oews: OewsReadResult | null;
  ep: EpReadResult | null;
  exposure: ExposureData | null;
  epoch: EpochData | null;
  /** O*NET by 8-digit code; per-SOC view: onetSocSummaries() in ./onetSoc.ts. */
  onet?: OnetReadResult | null;
  /** Per-SOC CareerOneStop fields; null when the source is not part of this run. */
  careeronestop: Map<string, CareerOneStopFields> | null;
  methodology: MethodologyDefinition;
  /** The human-advantage rule applied where no manual rating exists (default: the current rule). */
  epochRule?: EpochRuleDefinition;
}

export interface BuildReport {
  occupations: number;
  missing: Record<string, { count: number; reasons: Record<string, number>; socs: string[] }>;
  unmatched: {
    oewsNotInEp: string[];
    epNotInOews: string[];
    stateOrAreaWithoutNational: string[];
    /** O*NET codes whose 6-digit SOC is not a record of the snapshot (present when O*NET was read). */
    onetNotInSnapshot?: string[];
  };
  scoring: {
    methodology: string;
    scored: number;
    unscored: number;
    unscoredByReason: Record<string, number>;
    /** Why occupations are unscored, one count per missing input ("no exposure row", "no O*NET data", …). */
    unscoredByCause: Record<string, number>;
    /** Scored occupations per classification. */
    byClassification: Record<string, number>;
    /** Where the human-advantage ratings came from (rule version applied where no manual rating exists). */
    humanAdvantage: { rule: number; manual: number; missing: number; ruleVersion: string };
  };
  warnings: Warning[];
}

const SAMPLE = 50;

function projectionsOf(ep: EpReadResult, row: EpRow): Projections {
  return {
    release: ep.release,
    baseYear: ep.baseYear,
    targetYear: ep.targetYear,
    employmentBase: row.employmentBase,
    employmentTarget: row.employmentTarget,
    employmentChange: row.employmentChange,
    changePercent: row.changePercent,
    openingsAnnual: row.openingsAnnual,
    medianWage: row.medianWage,
    medianWageAtLeast: row.medianWageAtLeast,
    ...(ep.wageYear !== undefined ? { medianWageYear: ep.wageYear } : {}),
    typicalEducation: row.typicalEducation,
    workExperience: row.workExperience,
    onTheJobTraining: row.onTheJobTraining,
  };
}

function notSelected(source: string): string {
  return `source ${source} not selected for this run`;
}

export function buildOccupationRecords(input: BuildInput): {
  records: OccupationRecord[];
  report: BuildReport;
} {
  const warnings: Warning[] = [];
  const wages = input.oews ? indexWages(input.oews) : null;
  const epRows = new Map<string, EpRow>();
  for (const r of input.ep?.rows ?? []) if (r.occupationType === 'Line item') epRows.set(r.soc, r);

  const socs = [...new Set([...(wages?.bySoc.keys() ?? []), ...epRows.keys()])].sort();
  const oewsTitles = new Map<string, string>();
  const table = input.oews?.estimates;
  for (let i = 0; table && i < table.length; i++) {
    if (table.group(i) === 'detailed' && table.areaType(i) === 'national')
      oewsTitles.set(table.soc(i), table.occupation(i).title);
  }

  const onetGroups = input.onet ? onetSocGroups(input.onet) : null;
  const onetLabel = input.onet ? `O*NET ${input.onet.release}` : '';

  const missing: BuildReport['missing'] = {};
  const noteMissing = (part: string, soc: string, reason: string) => {
    const m = missing[part] ?? { count: 0, reasons: {}, socs: [] };
    missing[part] = m;
    m.count += 1;
    m.reasons[reason] = (m.reasons[reason] ?? 0) + 1;
    if (m.socs.length < SAMPLE) m.socs.push(soc);
  };

  // EP's median wage is the OEWS median of the EP base year (docs/bls.md §1): check it when both are loaded.
  const compareMedians = wages && input.ep && releaseYear(wages.release) === input.ep.baseYear;
  if (wages && input.ep && !compareMedians) {
    warnings.push({
      source: 'ep',
      message: `EP ${input.ep.release} median wages are for ${input.ep.baseYear}, OEWS is ${wages.release}: not compared; the snapshot mixes releases`,
    });
  }
  const medianMismatches: string[] = [];

  const epochRule = input.epochRule ?? getEpochRule();
  const humanSources: HumanAdvantageSources = {
    rule: epochRule,
    manual: input.epoch?.bySoc ?? null,
    onet:
      input.onet && onetGroups
        ? {
            release: input.onet.release,
            summaries: new Map([...onetGroups].map(([soc, g]) => [soc, summarizeOnetGroup(g)])),
          }
        : null,
  };
  const scoring: BuildReport['scoring'] = {
    methodology: input.methodology.version,
    scored: 0,
    unscored: 0,
    unscoredByReason: {},
    unscoredByCause: {},
    byClassification: {},
    humanAdvantage: { rule: 0, manual: 0, missing: 0, ruleVersion: epochRule.version },
  };
  const count = (counts: Record<string, number>, key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  const records: OccupationRecord[] = [];
  const socSet = new Set(socs);
  for (const soc of socs) {
    const w = wages?.bySoc.get(soc) ?? null;
    const epRow = epRows.get(soc);
    const projections = input.ep && epRow ? projectionsOf(input.ep, epRow) : null;
    const rec: OccupationRecord = {
      soc,
      title: oewsTitles.get(soc) ?? epRow?.title ?? soc,
      titleSource: oewsTitles.has(soc) ? 'oews' : 'ep',
      category: categoryOf(epochRule, soc),
      wages: w,
      projections,
      careerProgression: null,
      resilience: null,
      alsoKnownAs: null,
      relatedOccupations: null,
      brightOutlook: null,
      educationProfile: null,
      training: null,
      onet: null,
      description: null,
      tasks: null,
      technologySkills: null,
      alternateTitles: null,
      jobZone: null,
      onetRelatedOccupations: null,
      video: null,
      sourceStatus: {},
      missing: {},
    };
    if (!w) {
      const reason = input.oews
        ? `no OEWS detailed national estimate for ${soc} in ${input.oews.release}`
        : notSelected('oews');
      rec.missing.wages = reason;
      noteMissing('wages', soc, input.oews ? 'no OEWS detailed national estimate' : notSelected('oews'));
    }
    if (!projections) {
      const reason = input.ep ? `no EP line item for ${soc} in ${input.ep.release}` : notSelected('ep');
      rec.missing.projections = reason;
      noteMissing('projections', soc, input.ep ? 'no EP line item' : notSelected('ep'));
    }
    if (compareMedians && w?.national && epRow) {
      const oewsMedian = w.national.annual.median;
      if (oewsMedian !== null && epRow.medianWage !== null && oewsMedian !== epRow.medianWage) {
        medianMismatches.push(`${soc} (OEWS ${oewsMedian}, EP ${epRow.medianWage})`);
      }
    }

    if (w?.national) {
      rec.careerProgression = careerProgression(w.national.annual, w.national.topCoded, w.topCode.annual);
    } else {
      rec.missing.careerProgression = rec.missing.wages ?? 'no national wages';
    }

    if (rec.category === null) {
      rec.missing.category = `SOC major group ${soc.slice(0, 2)} has no career category in ${epochRule.version}`;
      noteMissing('category', soc, 'major group without a career category');
    }

    const human = humanAdvantageInput(soc, rec.title, humanSources);
    if (human.human) {
      scoring.humanAdvantage[human.human.source] += 1;
    } else {
      scoring.humanAdvantage.missing += 1;
      rec.missing['resilience.humanAdvantage'] = human.reason;
      noteMissing('resilience.humanAdvantage', soc, human.cause);
    }
    const exposure = input.exposure?.bySoc.get(soc) ?? null;
    const growth =
      projections && projections.changePercent !== null
        ? { percent: projections.changePercent, release: projections.release }
        : null;
    rec.resilience = scoreOccupation(input.methodology, { exposure, growth, human: human.human });
    if (rec.resilience.score === null) {
      scoring.unscored += 1;
      count(scoring.unscoredByReason, rec.resilience.unscoredReason ?? 'unknown');
      if (!exposure)
        count(scoring.unscoredByCause, input.exposure ? 'no exposure row' : notSelected('exposure'));
      if (!growth) {
        const cause = !input.ep
          ? notSelected('ep')
          : projections
            ? 'no projected percent change'
            : 'no projections';
        count(scoring.unscoredByCause, cause);
      }
      if (!human.human) count(scoring.unscoredByCause, human.cause);
    } else {
      scoring.scored += 1;
      count(scoring.byClassification, rec.resilience.classification ?? 'unknown');
    }

    const careerOneStop = input.careeronestop?.get(soc);
    if (careerOneStop) {
      const { sourceStatus, missing: why, ...fields } = careerOneStop;
      Object.assign(rec, fields);
      rec.sourceStatus.careeronestop = sourceStatus;
      Object.assign(rec.missing, why);
    } else {
      const reason = input.careeronestop
        ? 'no CareerOneStop result for this occupation'
        : notSelected('careeronestop');
      rec.sourceStatus.careeronestop = {
        status: input.careeronestop ? 'failed' : 'skipped',
        fetchedAt: null,
        reason,
      };
      rec.missing.careeronestop = reason;
    }
    if (!rec.video) {
      rec.video = null;
      const reason = careerOneStop
        ? (careerOneStop.missing?.video ?? `CareerOneStop gives no career video for ${soc}`)
        : rec.missing.careeronestop;
      rec.missing.video = reason ?? 'no CareerOneStop career video';
      noteMissing('video', soc, careerOneStop ? 'no CareerOneStop career video' : 'no CareerOneStop result');
    }

    const group = onetGroups?.get(soc);
    const onet =
      group && input.onet
        ? onetParts(group, input.onet)
        : noOnetParts(input.onet ? `no O*NET occupation for ${soc} in ${onetLabel}` : notSelected('onet'));
    Object.assign(rec, onet.parts);
    Object.assign(rec.missing, onet.missing);
    for (const part of Object.keys(onet.missing)) {
      noteMissing(
        part,
        soc,
        group ? 'O*NET lists none' : input.onet ? 'no O*NET occupation' : notSelected('onet'),
      );
    }
    const titleLists = [
      ...(group?.used ?? []).flatMap((o) => [
        { source: 'onet' as const, titles: o.alternateTitles.map((t) => t.title) },
        { source: 'onet-reported' as const, titles: o.reportedTitles.map((t) => t.title) },
      ]),
      { source: 'careeronestop' as const, titles: rec.alsoKnownAs ?? [] },
    ];
    const merged = mergeAlternateTitles(titleLists);
    rec.alternateTitles = merged.length > 0 ? merged : null;
    if (merged.length === 0) {
      rec.missing.alternateTitles = 'no alternate titles from O*NET or CareerOneStop';
      noteMissing('alternateTitles', soc, 'no alternate titles from O*NET or CareerOneStop');
    }
    records.push(rec);
  }

  if (medianMismatches.length > 0) {
    warnings.push({
      source: 'ep',
      message: `EP ${input.ep?.release} median wage differs from OEWS ${wages?.release} median for ${medianMismatches.length} occupation(s)`,
      details: { examples: medianMismatches.slice(0, SAMPLE) },
    });
  }

  const report: BuildReport = {
    occupations: records.length,
    missing,
    unmatched: {
      oewsNotInEp: input.ep ? [...(wages?.bySoc.keys() ?? [])].filter((s) => !epRows.has(s)).sort() : [],
      epNotInOews: wages ? [...epRows.keys()].filter((s) => !wages.bySoc.has(s)).sort() : [],
      stateOrAreaWithoutNational: wages?.withoutNational ?? [],
      ...(input.onet
        ? {
            onetNotInSnapshot: [...input.onet.occupations.keys()].filter(
              (code) => !socSet.has(code.slice(0, 7)),
            ),
          }
        : {}),
    },
    scoring,
    warnings,
  };
  return { records, report };
}
