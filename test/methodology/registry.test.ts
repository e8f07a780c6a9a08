import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../src/errors.js';
import { scoreOccupation } from '../../src/methodology/engine.js';
import {
  DEFAULT_METHODOLOGY_VERSION,
  getMethodology,
  listMethodologies,
  registerMethodology,
} from '../../src/methodology/registry.js';
import type { MethodologyDefinition, ScoringInput } from '../../src/methodology/types.js';
import { METHODOLOGY_V2_0 } from '../../src/methodology/v2_0.js';

const medicalRecords: ScoringInput = {
  exposure: { beta: 0.6176470588235294, onetCodes: ['29-2072.00'], rule: 'base' },
  growth: { percent: 7.1, release: '2024-34' },
  human: { ratings: { empathy: 3, presence: 4, opinion: 4, creativity: 2, hope: 2 }, source: 'manual' },
};

/** v2.0 with every threshold moved: a plausible "next version" built only from data. */
function shiftedVariant(version: string): MethodologyDefinition {
  const def = structuredClone(METHODOLOGY_V2_0);
  def.version = version;
  def.updated = '2026-06-01';
  def.exposure.bands[0]!.upTo = { value: 0.3, inclusive: false };
  def.exposure.bands[1]!.upTo = { value: 0.65, inclusive: true };
  def.human.bands[1]!.upTo = { value: 15, inclusive: false };
  def.growth.rounding = 'half-even';
  return def;
}

describe('methodology registry', () => {
  it('selects v2.0 by default and lists it', () => {
    expect(DEFAULT_METHODOLOGY_VERSION).toBe('2.0');
    expect(listMethodologies()).toContain('2.0');
    const def = getMethodology(DEFAULT_METHODOLOGY_VERSION);
    expect(def.version).toBe('2.0');
    expect(def.title).toBe('GPTs are GPTs / BLS / EPOCH Additive Scoring');
    expect(def.updated).toBe('2026-01-09');
  });

  it('refuses an unknown version with an error listing the known ones', () => {
    expect(() => getMethodology('9.9')).toThrow(PermanentError);
    expect(() => getMethodology('9.9')).toThrow(/unknown methodology version "9\.9".*known versions: .*2\.0/);
  });

  it('scores a second, shifted definition differently beside v2.0 without any engine change', () => {
    registerMethodology(shiftedVariant('2.1'));
    expect(listMethodologies()).toEqual(expect.arrayContaining(['2.0', '2.1']));
    expect(listMethodologies().indexOf('2.0')).toBeLessThan(listMethodologies().indexOf('2.1'));

    const before = scoreOccupation(getMethodology('2.0'), medicalRecords);
    const after = scoreOccupation(getMethodology('2.1'), medicalRecords);
    expect(before).toMatchObject({ methodology: '2.0', score: 3, classification: 'AI-Augmented' });
    // β 0.6176 is now Medium (+1), EPOCH 15 is now Strong (+2), growth 7 still Growing (+2).
    expect(after).toMatchObject({
      methodology: '2.1',
      score: 5,
      classification: 'AI-Resilient',
      tier: 1,
      exposure: { label: 'Medium', points: 1 },
      growth: { rounded: 7, label: 'Growing', points: 2 },
      humanAdvantage: { sum: 15, label: 'Strong', points: 2 },
      rationale:
        'Score 5/6: growing job demand, strong human advantage provides strong protection from AI displacement',
    });
    // And v2.0 is untouched by the registration.
    expect(scoreOccupation(getMethodology('2.0'), medicalRecords)).toEqual(before);
  });

  it('keeps published versions immutable', () => {
    expect(() => registerMethodology(METHODOLOGY_V2_0)).not.toThrow();
    expect(() => registerMethodology({ ...shiftedVariant('2.0') })).toThrow(
      /2\.0 is already registered with different rules/,
    );
    const def = getMethodology('2.0');
    expect(Object.isFrozen(def.exposure.bands[0])).toBe(true);
    expect(() => {
      (def.exposure.bands[0] as { points: number }).points = 9;
    }).toThrow(TypeError);
  });

  it('rejects a definition whose classifications leave a score uncovered', () => {
    const def = shiftedVariant('3.0');
    def.classifications = def.classifications.filter((c) => c.name !== 'In Transition');
    expect(() => registerMethodology(def)).toThrow(/score 2 matches 0 classifications/);
    expect(listMethodologies()).not.toContain('3.0');
  });

  it('rejects bands that do not ascend or do not end open-ended', () => {
    const descending = shiftedVariant('3.1');
    descending.human.bands[1]!.upTo = { value: 10, inclusive: false };
    expect(() => registerMethodology(descending)).toThrow(/human\.bands\.1\.upTo: bands must ascend/);

    const closed = shiftedVariant('3.2');
    closed.growth.bands[2]!.upTo = { value: 100, inclusive: true };
    expect(() => registerMethodology(closed)).toThrow(
      /growth\.bands\.2\.upTo: the last band must be open-ended/,
    );
  });

  it('rejects a maxScore that the points cannot reach', () => {
    const def = shiftedVariant('3.3');
    def.maxScore = 7;
    expect(() => registerMethodology(def)).toThrow(/maxScore 7 differs .* \(6\)/);
  });

  it('rejects a malformed version string', () => {
    expect(() => registerMethodology(shiftedVariant('latest'))).toThrow(
      /version: expected a version such as "2\.0"/,
    );
  });
});
