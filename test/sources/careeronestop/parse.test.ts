import { describe, expect, it } from 'vitest';
import {
  cleanTitles,
  dropCoordinates,
  hasCoordinates,
  lengthText,
  parseNumberText,
  splitCategories,
} from '../../../src/sources/careeronestop/parse.js';

describe('CareerOneStop value parsing', () => {
  it('reads display numbers: $ and thousands separators, blanks as null, "0" and ".5" as numbers', () => {
    expect(parseNumberText('$73,300')).toBe(73300);
    expect(parseNumberText('1,234')).toBe(1234);
    expect(parseNumberText('.5')).toBe(0.5);
    expect(parseNumberText('0')).toBe(0);
    expect(parseNumberText('')).toBeNull();
    expect(parseNumberText('  ')).toBeNull();
    expect(parseNumberText(null)).toBeNull();
    expect(parseNumberText(42)).toBe(42);
    expect(parseNumberText('n/a')).toBeUndefined();
    expect(parseNumberText('$')).toBeUndefined();
    expect(parseNumberText({})).toBeUndefined();
  });

  it('cleans alternate titles: blanks dropped, case-insensitive duplicates removed, first spelling kept', () => {
    expect(cleanTitles(['Coder', '', 'coder', '  Medical  Coder ', null, 'CODER', 'Medical coder'])).toEqual([
      'Coder',
      'Medical Coder',
    ]);
  });

  it('drops latitude/longitude-like keys at any depth and keeps everything else', () => {
    const input = {
      SchoolPrograms: [
        { SchoolName: 'A', Latitude: 1, Longitude: 2, Address: { Lat: '1', Lng: '2', City: 'X' } },
        { SchoolName: 'B', GeoLocation: { Latitude: 1 }, Distance: '0' },
      ],
    };
    const out = dropCoordinates(input);
    expect(out).toEqual({
      SchoolPrograms: [
        { SchoolName: 'A', Address: { City: 'X' } },
        { SchoolName: 'B', Distance: '0' },
      ],
    });
    expect(hasCoordinates(input)).toBe(true);
    expect(hasCoordinates(out)).toBe(false);
    // The input is not mutated.
    expect(input.SchoolPrograms[0]?.Latitude).toBe(1);
  });

  it('renders ProgramLength whatever its shape', () => {
    expect(lengthText('2 years')).toBe('2 years');
    expect(lengthText('')).toBeNull();
    expect(lengthText([{ Name: '2 years', Value: '2 years' }])).toBe('2 years');
    expect(lengthText([{ Value: '1 year' }, { Value: '2 years' }])).toBe('1 year; 2 years');
    expect(lengthText({ Description: 'Less than 1 year' })).toBe('Less than 1 year');
    expect(lengthText(18)).toBe('18');
    expect(lengthText(undefined)).toBeNull();
  });

  it('splits bright-outlook categories', () => {
    expect(splitCategories('Rapid Growth; Numerous Job Openings')).toEqual([
      'Rapid Growth',
      'Numerous Job Openings',
    ]);
    expect(splitCategories('')).toEqual([]);
    expect(splitCategories(null)).toEqual([]);
  });
});
