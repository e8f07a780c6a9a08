/**
 * Methodology v2.0, "GPTs are GPTs / BLS / EPOCH Additive Scoring": the rules that reproduce the
 * careers site's published scores (docs/resilience-v2.md). Data only; change nothing here —
 * put a changed rule in a new version file and register it beside this one.
 */
import type { MethodologyDefinition } from './types.js';

export const METHODOLOGY_V2_0: MethodologyDefinition = {
  version: '2.0',
  title: 'GPTs are GPTs / BLS / EPOCH Additive Scoring',
  updated: '2026-01-09',
  maxScore: 6,
  exposure: {
    inputName: 'AI exposure (GPTs are GPTs β)',
    percentRounding: 'half-away-from-zero',
    bands: [
      { label: 'Low', points: 2, upTo: { value: 0.25, inclusive: false }, phrase: 'low AI task exposure' },
      { label: 'Medium', points: 1, upTo: { value: 0.5, inclusive: true } },
      { label: 'High', points: 0, phrase: 'high AI task exposure' },
    ],
  },
  growth: {
    inputName: 'job growth (BLS Employment Projections)',
    rounding: 'half-away-from-zero',
    thresholdsApplyTo: 'rounded',
    bands: [
      {
        label: 'Declining',
        points: 0,
        upTo: { value: 0, inclusive: false },
        phrase: 'declining job demand',
      },
      { label: 'Stable', points: 1, upTo: { value: 5, inclusive: true } },
      { label: 'Growing', points: 2, phrase: 'growing job demand' },
    ],
  },
  human: {
    inputName: 'human advantage (EPOCH ratings)',
    ratingScale: { min: 1, max: 5 },
    bands: [
      {
        label: 'Weak',
        points: 0,
        upTo: { value: 12, inclusive: false },
        phrase: 'limited human advantage',
      },
      { label: 'Moderate', points: 1, upTo: { value: 20, inclusive: false } },
      { label: 'Strong', points: 2, phrase: 'strong human advantage' },
    ],
  },
  classifications: [
    {
      minScore: 5,
      maxScore: 6,
      name: 'AI-Resilient',
      tier: 1,
      color: 'green',
      phrase: 'provides strong protection from AI displacement',
    },
    {
      minScore: 3,
      maxScore: 4,
      name: 'AI-Augmented',
      tier: 2,
      color: 'yellow',
      phrase: 'means AI will assist but humans remain essential',
    },
    {
      minScore: 2,
      maxScore: 2,
      name: 'In Transition',
      tier: 3,
      color: 'orange',
      phrase: 'indicates this career is being transformed by AI',
    },
    {
      minScore: 0,
      maxScore: 1,
      name: 'High Disruption Risk',
      tier: 4,
      color: 'red',
      phrase: 'creates significant risk from AI disruption',
    },
  ],
  rationale: {
    template: 'Score {score}/{maxScore}: {parts} {phrase}',
    order: ['exposure', 'growth', 'human'],
    separator: ', ',
    noParts: 'balanced factors',
  },
  unscored: {
    template: 'not scored: missing {inputs}',
    separator: ', ',
  },
};
