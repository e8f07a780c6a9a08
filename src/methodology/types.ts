/**
 * The shape of a resilience methodology: every threshold, label, point value, rounding rule,
 * phrase and tier name lives in one declarative definition, validated here, so the engine that
 * applies it never changes when a new version is added.
 */
import { z } from 'zod';
import type { EpochRatings, HumanAdvantageRuleInputs } from '../model/occupation.js';

/** How a decimal becomes a whole number: the careers site rounds half away from zero (−0.5 → −1). */
export const RoundingRule = z.enum(['half-away-from-zero', 'half-even']);
export type RoundingRule = z.infer<typeof RoundingRule>;

/**
 * One level of a component. Bands are listed in ascending order of the measured value; each band
 * ends at `upTo` (the last band is open-ended), so bands are contiguous by construction: a value
 * belongs to the first band whose bound it does not exceed.
 */
export const Band = z.object({
  label: z.string().min(1),
  points: z.number().int().min(0),
  upTo: z.object({ value: z.number(), inclusive: z.boolean() }).optional(),
  /** Rationale wording when this level is named; absent for the middle level, which is not named. */
  phrase: z.string().min(1).optional(),
});
export type Band = z.infer<typeof Band>;

const Component = z.object({
  /** How the input is named when it is missing, e.g. "AI exposure (GPTs are GPTs β)". */
  inputName: z.string().min(1),
  bands: z.array(Band).min(1),
});

export const ComponentId = z.enum(['exposure', 'growth', 'human']);
export type ComponentId = z.infer<typeof ComponentId>;

export const Classification = z.object({
  minScore: z.number().int().min(0),
  maxScore: z.number().int().min(0),
  name: z.string().min(1),
  tier: z.number().int().min(1),
  color: z.string().min(1),
  /** Closes the rationale, e.g. "means AI will assist but humans remain essential". */
  phrase: z.string().min(1),
});
export type Classification = z.infer<typeof Classification>;

export const MethodologyDefinitionSchema = z
  .object({
    /** "2.0": what METHODOLOGY_VERSION selects and what a snapshot records. */
    version: z.string().regex(/^\d+\.\d+$/, 'expected a version such as "2.0"'),
    title: z.string().min(1),
    /** ISO date the methodology was last changed (shown on the careers page). */
    updated: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date YYYY-MM-DD'),
    maxScore: z.number().int().min(1),
    exposure: Component.extend({
      /** Rounding of β × 100 into the displayed whole percentage. Thresholds apply to β itself. */
      percentRounding: RoundingRule,
    }),
    growth: Component.extend({
      rounding: RoundingRule,
      /** The careers site applies thresholds to the whole-number percentage. */
      thresholdsApplyTo: z.enum(['rounded', 'exact']),
    }),
    human: Component.extend({
      /** Every EPOCH dimension is an integer on this scale; the sum is what the bands measure. */
      ratingScale: z.object({ min: z.number().int(), max: z.number().int() }),
    }),
    classifications: z.array(Classification).min(1),
    rationale: z.object({
      /** Placeholders: {score}, {maxScore}, {parts}, {phrase}. */
      template: z.string().min(1),
      /** Order in which named component levels appear in `{parts}`. */
      order: z.array(ComponentId).length(3),
      separator: z.string(),
      /** `{parts}` when every component is at a middle (unnamed) level. */
      noParts: z.string().min(1),
    }),
    unscored: z.object({
      /** Placeholder: {inputs}, the inputName of each missing input. */
      template: z.string().min(1),
      separator: z.string(),
    }),
  })
  .superRefine((def, ctx) => {
    for (const id of ComponentId.options) {
      const bands = def[id].bands;
      bands.forEach((band, i) => {
        const last = i === bands.length - 1;
        if (last && band.upTo) {
          ctx.addIssue({
            code: 'custom',
            path: [id, 'bands', i, 'upTo'],
            message: 'the last band must be open-ended (no upTo)',
          });
        }
        if (!last && !band.upTo) {
          ctx.addIssue({
            code: 'custom',
            path: [id, 'bands', i, 'upTo'],
            message: 'every band but the last needs an upper bound',
          });
        }
        const prev = bands[i - 1]?.upTo;
        if (prev && band.upTo && !(band.upTo.value > prev.value)) {
          ctx.addIssue({
            code: 'custom',
            path: [id, 'bands', i, 'upTo'],
            message: `bands must ascend: ${band.upTo.value} is not above ${prev.value}`,
          });
        }
      });
    }
    const best = ComponentId.options.reduce(
      (sum, id) => sum + Math.max(...def[id].bands.map((b) => b.points)),
      0,
    );
    if (best !== def.maxScore) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxScore'],
        message: `maxScore ${def.maxScore} differs from the sum of the best points of each component (${best})`,
      });
    }
    for (let score = 0; score <= def.maxScore; score++) {
      const hits = def.classifications.filter((c) => c.minScore <= score && score <= c.maxScore);
      if (hits.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['classifications'],
          message: `score ${score} matches ${hits.length} classifications; expected exactly 1`,
        });
      }
    }
    if (new Set(def.rationale.order).size !== def.rationale.order.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['rationale', 'order'],
        message: 'each component must appear once',
      });
    }
  });

export type MethodologyDefinition = z.infer<typeof MethodologyDefinitionSchema>;

/** What the engine scores: each input is null when its source has no figure for the occupation. */
export interface ScoringInput {
  exposure: { beta: number; onetCodes: string[]; rule: 'base' | 'mean-of-children' } | null;
  growth: { percent: number; release: string } | null;
  /** A manual rating (with its note, if any) or the human-advantage rule's, with its inputs. */
  human: {
    ratings: EpochRatings;
    source: 'manual' | 'rule';
    note?: string;
    rule?: HumanAdvantageRuleInputs;
  } | null;
}
