/**
 * The human-advantage input of one occupation: its manual rating when the manual file lists the
 * SOC, else the human-advantage rule applied to its O*NET title and job zone, else nothing, with
 * the reason. Pure.
 */
import { careerCategory, rateByRule } from '../methodology/humanAdvantage/engine.js';
import { ruleSubjectForSoc } from '../methodology/humanAdvantage/subject.js';
import type { EpochRuleDefinition } from '../methodology/humanAdvantage/types.js';
import type { ScoringInput } from '../methodology/types.js';
import type { EpochEntry } from '../readers/epochCsvReader.js';
import type { OnetSocSummary } from '../readers/onet/onetTypes.js';

export interface HumanAdvantageSources {
  rule: EpochRuleDefinition;
  /** Manual ratings by SOC; null when the manual file is not part of the run. */
  manual: ReadonlyMap<string, EpochEntry> | null;
  /** O*NET per-SOC summaries; null when the onet source is not part of the run. */
  onet: { release: string; summaries: ReadonlyMap<string, OnetSocSummary> } | null;
}

export type HumanAdvantageInput =
  | { human: NonNullable<ScoringInput['human']> }
  /** `cause` is the short form counted in the quality report; `reason` names the SOC and release. */
  | { human: null; cause: string; reason: string };

/** The career category of a SOC (the rule's mapping applied to `NN-NNNN.00`). */
export function categoryOf(rule: EpochRuleDefinition, soc: string): string | null {
  return careerCategory(rule, soc).category;
}

export function humanAdvantageInput(
  soc: string,
  socTitle: string,
  sources: HumanAdvantageSources,
): HumanAdvantageInput {
  const manual = sources.manual?.get(soc);
  if (manual) {
    return {
      human: {
        ratings: { ...manual.ratings },
        source: 'manual',
        ...(manual.note ? { note: manual.note } : {}),
      },
    };
  }
  if (!sources.onet) {
    return {
      human: null,
      cause: 'no O*NET data (source onet not selected)',
      reason: `no manual rating for ${soc} and source onet not selected for this run`,
    };
  }
  const subject = ruleSubjectForSoc(soc, socTitle, sources.onet.summaries);
  if (!subject) {
    return {
      human: null,
      cause: 'no O*NET data',
      reason: `no manual rating for ${soc} and no O*NET ${sources.onet.release} occupation for it`,
    };
  }
  const { ratings, ...why } = rateByRule(sources.rule, subject.subject);
  return {
    human: {
      ratings,
      source: 'rule',
      rule: {
        version: why.version,
        code: why.code,
        basis: subject.basis,
        onetCodes: subject.onetCodes,
        category: why.category,
        categoryStep: why.categoryStep,
        title: why.title,
        titleSource: subject.titleSource,
        jobZone: why.jobZone,
        ...(why.jobZoneMissingReason !== undefined ? { jobZoneMissingReason: why.jobZoneMissingReason } : {}),
        jobZoneAdjustment: why.jobZoneAdjustment,
        keywordRows: why.keywordRows,
      },
    },
  };
}
