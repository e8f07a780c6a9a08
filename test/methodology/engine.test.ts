import { describe, expect, it } from 'vitest';
import { roundWith, scoreOccupation } from '../../src/methodology/engine.js';
import { getMethodology } from '../../src/methodology/registry.js';
import type { ScoringInput } from '../../src/methodology/types.js';
import { Resilience } from '../../src/model/occupation.js';

const v2 = getMethodology('2.0');

const medicalRecords: ScoringInput = {
  exposure: { beta: 0.6176470588235294, onetCodes: ['29-2072.00'], rule: 'base' },
  growth: { percent: 7.1, release: '2024-34' },
  human: {
    ratings: { empathy: 3, presence: 4, opinion: 4, creativity: 2, hope: 2 },
    source: 'manual',
  },
};

/** Ratings summing to `sum` (5–25), spread over the five dimensions. */
function ratingsSumming(sum: number) {
  const r = [1, 1, 1, 1, 1];
  let left = sum - 5;
  for (let i = 0; left > 0; i = (i + 1) % 5) {
    if ((r[i] ?? 5) < 5) {
      r[i] = (r[i] ?? 1) + 1;
      left -= 1;
    }
  }
  const [empathy = 1, presence = 1, opinion = 1, creativity = 1, hope = 1] = r;
  return { empathy, presence, opinion, creativity, hope };
}

function input(beta: number, growth: number, epochSum: number): ScoringInput {
  return {
    exposure: { beta, onetCodes: ['00-0000.00'], rule: 'base' },
    growth: { percent: growth, release: '2024-34' },
    human: { ratings: ratingsSumming(epochSum), source: 'rule' },
  };
}

describe('scoreOccupation with methodology v2.0', () => {
  it('reproduces the worked example for 29-2072 Medical Records Specialists exactly', () => {
    const result = scoreOccupation(v2, medicalRecords);
    expect(result).toEqual({
      methodology: '2.0',
      score: 3,
      maxScore: 6,
      classification: 'AI-Augmented',
      tier: 2,
      rationale:
        'Score 3/6: high AI task exposure, growing job demand means AI will assist but humans remain essential',
      exposure: {
        beta: 0.6176470588235294,
        percent: 62,
        label: 'High',
        points: 0,
        onetCodes: ['29-2072.00'],
        rule: 'base',
      },
      growth: { percent: 7.1, rounded: 7, label: 'Growing', points: 2, release: '2024-34' },
      humanAdvantage: {
        ratings: { empathy: 3, presence: 4, opinion: 4, creativity: 2, hope: 2 },
        sum: 15,
        label: 'Moderate',
        points: 1,
        source: 'manual',
      },
    });
    expect(Resilience.parse(result)).toEqual(result);
  });

  it.each([
    [0, 'Low', 2],
    [0.2499999, 'Low', 2],
    [0.25, 'Medium', 1],
    [0.4, 'Medium', 1],
    [0.5, 'Medium', 1],
    [0.5000001, 'High', 0],
    [1, 'High', 0],
  ])('labels exposure β %s as %s (%i points)', (beta, label, points) => {
    const { exposure } = scoreOccupation(v2, input(beta, 3, 15));
    expect(exposure).toMatchObject({ beta, label, points });
  });

  it('shows the exposure as round(β × 100) percent', () => {
    expect(scoreOccupation(v2, input(0.125, 3, 15)).exposure?.percent).toBe(13);
    expect(scoreOccupation(v2, input(0.004, 3, 15)).exposure?.percent).toBe(0);
  });

  it.each([
    [7.1, 7, 'Growing', 2],
    [5.5, 6, 'Growing', 2],
    [5.4, 5, 'Stable', 1],
    [5.0, 5, 'Stable', 1],
    [0, 0, 'Stable', 1],
    [-0.4, 0, 'Stable', 1],
    [-0.5, -1, 'Declining', 0],
    [-12.3, -12, 'Declining', 0],
  ])('rounds growth %s %% to %s before labelling it %s (%i points)', (percent, rounded, label, points) => {
    const { growth } = scoreOccupation(v2, input(0.4, percent, 15));
    expect(growth).toEqual({ percent, rounded, label, points, release: '2024-34' });
  });

  it('never publishes a negative zero for a small decline', () => {
    const { growth } = scoreOccupation(v2, input(0.4, -0.4, 15));
    expect(Object.is(growth?.rounded, 0)).toBe(true);
    expect(JSON.stringify(growth)).toContain('"rounded":0,');
  });

  it.each([
    [5, 'Weak', 0],
    [11, 'Weak', 0],
    [12, 'Moderate', 1],
    [19, 'Moderate', 1],
    [20, 'Strong', 2],
    [25, 'Strong', 2],
  ])('labels an EPOCH sum of %i as %s (%i points)', (sum, label, points) => {
    const { humanAdvantage } = scoreOccupation(v2, input(0.4, 3, sum));
    expect(humanAdvantage).toMatchObject({ sum, label, points, source: 'rule' });
  });

  it.each([
    // β, growth, EPOCH sum → total, classification, tier, rationale
    [
      0.1,
      9,
      22,
      6,
      'AI-Resilient',
      1,
      'Score 6/6: low AI task exposure, growing job demand, strong human advantage provides strong protection from AI displacement',
    ],
    [
      0.1,
      9,
      15,
      5,
      'AI-Resilient',
      1,
      'Score 5/6: low AI task exposure, growing job demand provides strong protection from AI displacement',
    ],
    [
      0.1,
      3,
      15,
      4,
      'AI-Augmented',
      2,
      'Score 4/6: low AI task exposure means AI will assist but humans remain essential',
    ],
    [
      0.4,
      3,
      15,
      3,
      'AI-Augmented',
      2,
      'Score 3/6: balanced factors means AI will assist but humans remain essential',
    ],
    [
      0.7,
      3,
      15,
      2,
      'In Transition',
      3,
      'Score 2/6: high AI task exposure indicates this career is being transformed by AI',
    ],
    [
      0.7,
      -2,
      15,
      1,
      'High Disruption Risk',
      4,
      'Score 1/6: high AI task exposure, declining job demand creates significant risk from AI disruption',
    ],
    [
      0.7,
      -2,
      9,
      0,
      'High Disruption Risk',
      4,
      'Score 0/6: high AI task exposure, declining job demand, limited human advantage creates significant risk from AI disruption',
    ],
  ])(
    'β %s, growth %s, EPOCH %s → %i, %s (tier %i)',
    (beta, growth, sum, score, classification, tier, rationale) => {
      const result = scoreOccupation(v2, input(beta, growth, sum));
      expect(result).toMatchObject({
        score,
        classification,
        tier,
        rationale,
        maxScore: 6,
        methodology: '2.0',
      });
      expect(result.unscoredReason).toBeUndefined();
    },
  );

  it('names only the non-middle levels, in the order exposure, growth, human', () => {
    const result = scoreOccupation(v2, input(0.4, -3, 21));
    expect(result.rationale).toBe(
      'Score 3/6: declining job demand, strong human advantage means AI will assist but humans remain essential',
    );
  });

  it('leaves the score null and names the missing input, still publishing the components it has', () => {
    const result = scoreOccupation(v2, { ...medicalRecords, growth: null });
    expect(result).toMatchObject({
      methodology: '2.0',
      score: null,
      maxScore: 6,
      classification: null,
      tier: null,
      rationale: null,
      unscoredReason: 'not scored: missing job growth (BLS Employment Projections)',
      growth: null,
      exposure: { label: 'High', points: 0, percent: 62 },
      humanAdvantage: { label: 'Moderate', points: 1, sum: 15 },
    });
    expect(Resilience.parse(result)).toEqual(result);
  });

  it('names the missing exposure row and the missing EPOCH rating', () => {
    expect(scoreOccupation(v2, { ...medicalRecords, exposure: null })).toMatchObject({
      score: null,
      unscoredReason: 'not scored: missing AI exposure (GPTs are GPTs β)',
      exposure: null,
      growth: { label: 'Growing' },
    });
    expect(scoreOccupation(v2, { ...medicalRecords, human: null })).toMatchObject({
      score: null,
      unscoredReason: 'not scored: missing human advantage (EPOCH ratings)',
      humanAdvantage: null,
      exposure: { label: 'High' },
    });
  });

  it('lists every missing input when several are absent', () => {
    const result = scoreOccupation(v2, { exposure: null, growth: null, human: null });
    expect(result.unscoredReason).toBe(
      'not scored: missing AI exposure (GPTs are GPTs β), job growth (BLS Employment Projections), human advantage (EPOCH ratings)',
    );
    expect(result).toMatchObject({ score: null, exposure: null, growth: null, humanAdvantage: null });
  });

  it('refuses inputs outside the scales instead of scoring them', () => {
    expect(() => scoreOccupation(v2, input(1.2, 3, 15))).toThrow(/β must be a number in \[0, 1\], got 1\.2/);
    expect(() => scoreOccupation(v2, input(Number.NaN, 3, 15))).toThrow(/β/);
    expect(() => scoreOccupation(v2, input(0.3, Number.POSITIVE_INFINITY, 15))).toThrow(/growth percent/);
    const six = { ...medicalRecords.human!, ratings: { ...medicalRecords.human!.ratings, hope: 6 } };
    expect(() => scoreOccupation(v2, { ...medicalRecords, human: six })).toThrow(
      /EPOCH hope must be an integer 1–5, got 6/,
    );
  });

  it('does not share arrays or objects with its input', () => {
    const result = scoreOccupation(v2, medicalRecords);
    expect(result.exposure?.onetCodes).not.toBe(medicalRecords.exposure?.onetCodes);
    expect(result.humanAdvantage?.ratings).not.toBe(medicalRecords.human?.ratings);
  });
});

describe('roundWith', () => {
  it('rounds half away from zero', () => {
    expect([2.5, -2.5, 0.5, -0.5, 1.49, -1.49].map((x) => roundWith('half-away-from-zero', x))).toEqual([
      3, -3, 1, -1, 1, -1,
    ]);
  });

  it('rounds half to even when a definition asks for it', () => {
    expect([2.5, 3.5, -2.5, -0.5, 0.51].map((x) => roundWith('half-even', x))).toEqual([2, 4, -2, 0, 1]);
    expect(Object.is(roundWith('half-even', -0.5), 0)).toBe(true);
  });
});
