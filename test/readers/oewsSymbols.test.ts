import { describe, expect, it } from 'vitest';
import { decodeOewsCell, decodeOewsFlatValue } from '../../src/readers/oewsSymbols.js';

describe('decodeOewsCell: BLS symbols in a workbook cell', () => {
  it('reads numbers and numeric strings as values', () => {
    expect(decodeOewsCell(50250)).toEqual({ kind: 'value', value: 50250 });
    expect(decodeOewsCell('24.16')).toEqual({ kind: 'value', value: 24.16 });
    expect(decodeOewsCell(' 1,654,440 ')).toEqual({ kind: 'value', value: 1654440 });
  });
  it('keeps # as top-coded and * / ** / blank as not available, never as a number', () => {
    expect(decodeOewsCell('#')).toEqual({ kind: 'topCoded' });
    expect(decodeOewsCell('*')).toEqual({ kind: 'notAvailable', symbol: '*' });
    expect(decodeOewsCell('**')).toEqual({ kind: 'notAvailable', symbol: '**' });
    expect(decodeOewsCell(null)).toEqual({ kind: 'notAvailable', symbol: '' });
  });
  it('calls anything else invalid, with what it got', () => {
    expect(decodeOewsCell('abc')).toEqual({ kind: 'invalid', got: 'abc' });
    expect(decodeOewsCell('~')).toEqual({ kind: 'invalid', got: '~' });
    expect(decodeOewsCell('1,23')).toEqual({ kind: 'invalid', got: '1,23' });
  });
  it('decodes flat-file dashes by footnote: 5 top-coded, anything else not released', () => {
    expect(decodeOewsFlatValue('-', '5')).toEqual({ kind: 'topCoded' });
    expect(decodeOewsFlatValue('  -  ', '8')).toMatchObject({ kind: 'notAvailable' });
    expect(decodeOewsFlatValue('-', '')).toMatchObject({ kind: 'notAvailable' });
    expect(decodeOewsFlatValue('     187910', '')).toEqual({ kind: 'value', value: 187910 });
    expect(decodeOewsFlatValue('n/a', '')).toEqual({ kind: 'invalid', got: 'n/a' });
  });
});

describe("decodeOewsFlatValue: the flat files' values", () => {
  it('reads footnote lists separated by commas, semicolons or spaces', () => {
    for (const codes of ['8,5', '8; 5', ' 5 ', '8 5']) {
      expect(decodeOewsFlatValue('-', codes)).toEqual({ kind: 'topCoded' });
    }
    expect(decodeOewsFlatValue('-', '8;3')).toEqual({ kind: 'notAvailable', symbol: '-(8,3)' });
    expect(decodeOewsFlatValue('-')).toEqual({ kind: 'notAvailable', symbol: '-' });
  });

  it('takes plain digits only: separators, signs and exponents are invalid there', () => {
    expect(decodeOewsFlatValue('24.16')).toEqual({ kind: 'value', value: 24.16 });
    for (const got of ['50,250', '-5', '+5', '.5', '5.', '1e3', '']) {
      expect(decodeOewsFlatValue(got)).toEqual({ kind: 'invalid', got });
    }
  });

  it('trims only the spaces the files pad cells with', () => {
    expect(decodeOewsFlatValue('  12  ')).toEqual({ kind: 'value', value: 12 });
    expect(decodeOewsFlatValue('\u00a012')).toEqual({ kind: 'invalid', got: '\u00a012' });
  });
});
