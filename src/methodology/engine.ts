/**
 * Applies a methodology definition to one occupation's inputs. Pure: data in, the published
 * `Resilience` record (each component with its label and points, the total and its rationale) out.
 * Every fact about v2.0 lives in the definition, none here.
 */
import type { Resilience } from '../model/occupation.js';
import type { Band, ComponentId, MethodologyDefinition, RoundingRule, ScoringInput } from './types.js';

// A definition's labels are free text; the record schema lists those a record may carry (enums for
// consumers). A record is validated before it is published, so a methodology with a new label is
// refused there until the schema (and its version) says so: test/model/recordSchema.test.ts.
type Label<K extends 'exposure' | 'growth' | 'humanAdvantage'> = NonNullable<Resilience[K]>['label'];
type ClassificationName = NonNullable<Resilience['classification']>;

/** Whole-number rounding; never returns −0 (−0.4 → 0, not "-0"). */
export function roundWith(rule: RoundingRule, x: number): number {
  let r: number;
  if (rule === 'half-away-from-zero') {
    r = Math.sign(x) * Math.round(Math.abs(x));
  } else {
    const floor = Math.floor(x);
    const diff = x - floor;
    r = diff > 0.5 ? floor + 1 : diff < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  }
  return r + 0;
}

/** The first band whose upper bound the value does not pass (bands ascend; the last is open-ended). */
export function bandFor(bands: readonly Band[], value: number): Band {
  for (const band of bands) {
    if (!band.upTo) return band;
    if (band.upTo.inclusive ? value <= band.upTo.value : value < band.upTo.value) return band;
  }
  // Unreachable for a registered definition (its last band is open-ended).
  throw new Error(`no band for value ${value}`);
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

function assertInputs(def: MethodologyDefinition, input: ScoringInput): void {
  const { exposure, growth, human } = input;
  if (exposure && !(Number.isFinite(exposure.beta) && exposure.beta >= 0 && exposure.beta <= 1)) {
    throw new RangeError(
      `methodology ${def.version}: exposure β must be a number in [0, 1], got ${exposure.beta}`,
    );
  }
  if (growth && !Number.isFinite(growth.percent)) {
    throw new RangeError(
      `methodology ${def.version}: growth percent must be a finite number, got ${growth.percent}`,
    );
  }
  if (human) {
    const { min, max } = def.human.ratingScale;
    for (const [dimension, rating] of Object.entries(human.ratings)) {
      if (!Number.isInteger(rating) || rating < min || rating > max) {
        throw new RangeError(
          `methodology ${def.version}: EPOCH ${dimension} must be an integer ${min}–${max}, got ${rating}`,
        );
      }
    }
  }
}

/**
 * Score one occupation. A missing input is not a zero: the components that exist are still
 * published, and score, classification, tier and rationale are null with `unscoredReason` naming
 * every missing input.
 */
export function scoreOccupation(def: MethodologyDefinition, input: ScoringInput): Resilience {
  assertInputs(def, input);

  const exposureBand = input.exposure ? bandFor(def.exposure.bands, input.exposure.beta) : null;
  const exposure =
    input.exposure && exposureBand
      ? {
          beta: input.exposure.beta,
          percent: roundWith(def.exposure.percentRounding, input.exposure.beta * 100),
          label: exposureBand.label as Label<'exposure'>,
          points: exposureBand.points,
          onetCodes: [...input.exposure.onetCodes],
          rule: input.exposure.rule,
        }
      : null;

  let growthBand: Band | null = null;
  let growth: Resilience['growth'] = null;
  if (input.growth) {
    const rounded = roundWith(def.growth.rounding, input.growth.percent);
    const measured = def.growth.thresholdsApplyTo === 'rounded' ? rounded : input.growth.percent;
    growthBand = bandFor(def.growth.bands, measured);
    growth = {
      percent: input.growth.percent,
      rounded,
      label: growthBand.label as Label<'growth'>,
      points: growthBand.points,
      release: input.growth.release,
    };
  }

  let humanBand: Band | null = null;
  let humanAdvantage: Resilience['humanAdvantage'] = null;
  if (input.human) {
    const r = input.human.ratings;
    const sum = r.empathy + r.presence + r.opinion + r.creativity + r.hope;
    humanBand = bandFor(def.human.bands, sum);
    humanAdvantage = {
      ratings: { ...r },
      sum,
      label: humanBand.label as Label<'humanAdvantage'>,
      points: humanBand.points,
      source: input.human.source,
      ...(input.human.note !== undefined ? { note: input.human.note } : {}),
      ...(input.human.rule !== undefined ? { rule: structuredClone(input.human.rule) } : {}),
    };
  }

  const bands: Record<ComponentId, Band | null> = {
    exposure: exposureBand,
    growth: growthBand,
    human: humanBand,
  };
  const components = { exposure, growth, humanAdvantage };
  const missing = def.rationale.order.filter((id) => bands[id] === null);
  if (missing.length > 0) {
    const inputs = missing.map((id) => def[id].inputName).join(def.unscored.separator);
    return {
      methodology: def.version,
      score: null,
      maxScore: def.maxScore,
      classification: null,
      tier: null,
      rationale: null,
      unscoredReason: fill(def.unscored.template, { inputs }),
      ...components,
    };
  }

  const score = def.rationale.order.reduce((sum, id) => sum + (bands[id]?.points ?? 0), 0);
  const cls = def.classifications.find((c) => c.minScore <= score && score <= c.maxScore);
  // Unreachable for a registered definition (classifications cover 0..maxScore exactly once).
  if (!cls) throw new Error(`methodology ${def.version}: no classification for score ${score}`);
  const named = def.rationale.order.flatMap((id) => bands[id]?.phrase ?? []);
  const parts = named.length > 0 ? named.join(def.rationale.separator) : def.rationale.noParts;
  return {
    methodology: def.version,
    score,
    maxScore: def.maxScore,
    classification: cls.name as ClassificationName,
    tier: cls.tier,
    rationale: fill(def.rationale.template, {
      score: String(score),
      maxScore: String(def.maxScore),
      parts,
      phrase: cls.phrase,
    }),
    ...components,
  };
}
