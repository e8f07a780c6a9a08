import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonPieces } from '../../src/model/canonicalJson.js';
import { occupation } from '../store/support.js';

describe('canonicalJsonPieces', () => {
  const awkward = {
    b: [1, undefined, { z: 1, a: [null, 'x'] }, []],
    a: { nested: { deeper: { deepest: { k: NaN, j: 'é"\n' } } }, gone: undefined },
    c: {},
    d: -0,
  };

  it('joins to exactly canonicalJson at every depth, undefined and odd values included', () => {
    for (const value of [awkward, occupation('29-2072'), [], {}, null, 'text', 3.5]) {
      for (const depth of [0, 1, 2, 3, 6]) {
        expect([...canonicalJsonPieces(value, depth)].join('')).toBe(canonicalJson(value));
      }
    }
  });

  it('yields a record in small pieces, none the size of its whole line', () => {
    const rec = occupation('29-2072');
    const pieces = [...canonicalJsonPieces(rec)];
    expect(pieces.length).toBeGreaterThan(10);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(canonicalJson(rec).length / 2);
  });
});
