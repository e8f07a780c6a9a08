/** The record schema's label enums cover what the registered methodology and progression produce. */
import { describe, expect, it } from 'vitest';
import { METHODOLOGY_V2_0 } from '../../src/methodology/v2_0.js';
import {
  CLASSIFICATIONS,
  EXPOSURE_LABELS,
  GROWTH_LABELS,
  HUMAN_ADVANTAGE_LABELS,
  PROGRESSION_LEVEL_NAMES,
} from '../../src/model/occupation.js';
import { PROGRESSION_LEVELS } from '../../src/model/progression.js';

describe('record schema enums', () => {
  it('list exactly the labels and classifications of methodology 2.0', () => {
    const labels = (bands: readonly { label: string }[]) => bands.map((b) => b.label);
    expect(labels(METHODOLOGY_V2_0.exposure.bands)).toEqual([...EXPOSURE_LABELS]);
    expect(labels(METHODOLOGY_V2_0.growth.bands)).toEqual([...GROWTH_LABELS]);
    expect(labels(METHODOLOGY_V2_0.human.bands)).toEqual([...HUMAN_ADVANTAGE_LABELS]);
    expect(METHODOLOGY_V2_0.classifications.map((c) => c.name)).toEqual([...CLASSIFICATIONS]);
  });

  it('list the progression levels in order', () => {
    expect(PROGRESSION_LEVELS.map((l) => l.level)).toEqual([...PROGRESSION_LEVEL_NAMES]);
  });
});
