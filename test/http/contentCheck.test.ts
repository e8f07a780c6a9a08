import { describe, expect, it } from 'vitest';
import { contentProblem, preview } from '../../src/http/contentCheck.js';

describe('contentProblem', () => {
  it('accepts zip and xlsx only with the zip signature', () => {
    expect(contentProblem(Buffer.from('PK\x03\x04rest'), 'zip')).toBeUndefined();
    expect(contentProblem(Buffer.from('PK\x03\x04rest'), 'xlsx')).toBeUndefined();
    expect(contentProblem(Buffer.from('PK\x05\x06'), 'zip')).toMatch(/zip signature/);
    expect(contentProblem(Buffer.from('<html>'), 'xlsx')).toMatch(/zip signature/);
  });

  it('spots HTML in text formats after whitespace or a BOM, in any case', () => {
    expect(contentProblem(Buffer.from('  \n<!doctype HTML><html>'), 'csv')).toMatch(/HTML page/);
    expect(contentProblem(Buffer.from('\uFEFF<HTML lang="en">'), 'tsv')).toMatch(/HTML page/);
    expect(contentProblem(Buffer.from('<html>'), 'json')).toMatch(/HTML page/);
  });

  it('refuses NUL bytes and empty bodies, accepts ordinary text', () => {
    expect(contentProblem(Buffer.from([0x61, 0x00]), 'tsv')).toMatch(/NUL/);
    expect(contentProblem(Buffer.alloc(0), 'csv')).toMatch(/empty/);
    expect(contentProblem(Buffer.from('\uFEFFO*NET-SOC Code,Title\n'), 'csv')).toBeUndefined();
    expect(contentProblem(Buffer.from('series_id\tyear\tperiod\tvalue\n'), 'tsv')).toBeUndefined();
  });
});

describe('preview', () => {
  it('shows at most ~80 printable characters', () => {
    expect(preview(Buffer.from('a\x00b\n\nc'))).toBe('a.b c');
    expect(preview(Buffer.from('x'.repeat(200)))).toBe(`${'x'.repeat(80)}…`);
  });
});
