import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { scoreOccupation } from '../../src/methodology/engine.js';
import { getMethodology } from '../../src/methodology/registry.js';
import { readExposureCsv } from '../../src/readers/exposureCsvReader.js';
import { RejectCollector } from '../../src/validate/rejects.js';

const HEADER =
  'O*NET-SOC Code,Title,dv_rating_alpha,dv_rating_beta,dv_rating_gamma,human_rating_alpha,human_rating_beta,human_rating_gamma';
const REAL_FILE = path.resolve(import.meta.dirname, '../../..', 'shared/data/occ_level.csv');

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'careerdata-exposure-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function csv(name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, lines.join('\n') + '\n');
  return file;
}

/** Run the reader expecting a ValidationError; returns it. */
async function failure(file: string, rejects = new RejectCollector()): Promise<ValidationError> {
  const err = await readExposureCsv({ path: file }, rejects).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

describe('readExposureCsv', () => {
  it('uses the .00 row when present and the mean of the children otherwise, recording which', async () => {
    const file = await csv('mapping.csv', [
      HEADER,
      '29-1141.00,Registered Nurses,0.05,0.33,0.62,0.19,0.38,0.57',
      '29-1141.01,Acute Care Nurses,0.04,0.31,0.57,0.12,0.33,0.53',
      '13-1199.04,Business Continuity Planners,0.1,0.5,0.9,0.1,0.5,0.9',
      '13-1199.05,Sustainability Specialists,0.1,0.6,0.9,0.1,0.5,0.9',
      '13-1199.06,Online Merchants,0.1,0.7,0.9,0.1,0.5,0.9',
      '15-1299.08,Computer Systems Engineers/Architects,0.1,0.4,0.9,0.1,0.5,0.9',
    ]);
    const rejects = new RejectCollector();
    const result = await readExposureCsv({ path: file }, rejects);
    expect(result.rows).toBe(6);
    expect(result.bySoc.size).toBe(3);
    expect(result.bySoc.get('29-1141')).toEqual({ beta: 0.33, onetCodes: ['29-1141.00'], rule: 'base' });
    const planners = result.bySoc.get('13-1199');
    expect(planners?.rule).toBe('mean-of-children');
    expect(planners?.onetCodes).toEqual(['13-1199.04', '13-1199.05', '13-1199.06']);
    expect(planners?.beta).toBeCloseTo(0.6, 12);
    expect(result.bySoc.get('15-1299')).toEqual({
      beta: 0.4,
      onetCodes: ['15-1299.08'],
      rule: 'mean-of-children',
    });
    expect(rejects.counts.get('exposure')).toMatchObject({ read: 6, kept: 6, rejected: 0 });
  });

  it('reads a file with only the required columns', async () => {
    const file = await csv('minimal.csv', ['O*NET-SOC Code,dv_rating_beta', '43-4051.00,0.8']);
    const result = await readExposureCsv({ path: file }, new RejectCollector());
    expect(result.bySoc.get('43-4051')).toEqual({ beta: 0.8, onetCodes: ['43-4051.00'], rule: 'base' });
  });

  it('makes a β above 1 fatal, naming file, row and field', async () => {
    const file = await csv('beta-too-high.csv', [
      HEADER,
      '29-2072.00,Medical Records Specialists,0.2,0.61,1.0,0.2,0.5,0.8',
      '43-4051.00,Customer Service Representatives,0.3,1.2,1.0,0.2,0.5,0.8',
    ]);
    const rejects = new RejectCollector();
    const err = await failure(file, rejects);
    expect(err.source).toBe('exposure');
    expect(err.message).toContain('exposure file beta-too-high.csv');
    expect(err.message).toContain('row 3, dv_rating_beta: expected a number in [0, 1], got "1.2"');
    expect(err.details).toMatchObject({ file: 'beta-too-high.csv' });
    expect(rejects.rejects).toContainEqual(
      expect.objectContaining({ file: 'beta-too-high.csv', row: 3, field: 'dv_rating_beta', got: '"1.2"' }),
    );
  });

  it('names the artifact when given its name rather than the cache path', async () => {
    const file = await csv('0123abcd', [HEADER, '29-2072.00,X,0.2,1.5,1.0,0.2,0.5,0.8']);
    expect((await failure(file)).message).toContain('exposure file 0123abcd:');
    const named = await readExposureCsv({ path: file, name: 'occ_level.csv' }, new RejectCollector()).catch(
      (e: Error) => e,
    );
    expect((named as Error).message).toContain('exposure file occ_level.csv: 1 invalid row');
  });

  it('lists every bad row, not only the first', async () => {
    const file = await csv('many-bad.csv', [
      HEADER,
      '29-2072,Code without detail,0.2,0.5,0.8,0.2,0.5,0.8',
      '29-2072.00,Rating below zero,0.2,0.5,0.8,-0.1,0.5,0.8',
      '29-2072.00,Duplicate code,0.2,0.5,0.8,0.2,0.5,0.8',
      '41-2031.00,Blank gamma,0.2,0.5,,0.2,0.5,0.8',
      '41-2011.00,Not a number,0.2,abc,0.8,0.2,0.5,0.8',
    ]);
    const rejects = new RejectCollector();
    const err = await failure(file, rejects);
    expect(err.message).toContain('5 invalid rows');
    expect(err.message).toContain(
      'row 2, O*NET-SOC Code: expected an O*NET-SOC code NN-NNNN.NN, got "29-2072"',
    );
    expect(err.message).toContain('row 3, human_rating_alpha: expected a number in [0, 1], got "-0.1"');
    expect(err.message).toContain(
      'row 4, O*NET-SOC Code: expected each code once, got "29-2072.00" (also row 3)',
    );
    expect(err.message).toContain('row 5, dv_rating_gamma: expected a number in [0, 1], got ""');
    expect(err.message).toContain('row 6, dv_rating_beta: expected a number in [0, 1], got "abc"');
    expect(rejects.counts.get('exposure')?.rejected).toBe(5);
  });

  it('rejects ratings out of order for either rater (α ≤ β ≤ γ)', async () => {
    const file = await csv('order.csv', [
      HEADER,
      '11-1011.00,Beta below alpha,0.6,0.5,0.8,0.2,0.5,0.8',
      '11-1021.00,Human gamma below beta,0.2,0.5,0.8,0.2,0.5,0.4',
    ]);
    const err = await failure(file);
    expect(err.message).toContain(
      'row 2, dv_rating_beta: expected dv_rating_alpha ≤ dv_rating_beta, got alpha 0.6 > beta 0.5',
    );
    expect(err.message).toContain(
      'row 3, human_rating_gamma: expected human_rating_beta ≤ human_rating_gamma, got beta 0.5 > gamma 0.4',
    );
  });

  it.each([
    ['dv_rating_beta', 'O*NET-SOC Code,Title,dv_rating_alpha,dv_rating_gamma', '29-2072.00,X,0.2,0.8'],
    ['O*NET-SOC Code', 'Code,Title,dv_rating_beta', '29-2072.00,X,0.6'],
  ])('fails the whole file when the header lacks %s', async (column, header, row) => {
    const file = await csv(`no-${column.replace(/\W/g, '')}.csv`, [header, row]);
    const err = await failure(file);
    expect(err.message).toContain(`header lacks column "${column}"`);
    expect(err.details).toMatchObject({ missingColumns: [column] });
  });

  it('reports the missing column even when it also makes the rows ragged', async () => {
    const file = await csv('ragged-header.csv', ['O*NET-SOC Code,Title', '29-2072.00,X,0.6']);
    const err = await failure(file);
    expect(err.message).toContain('header lacks column "dv_rating_beta"');
  });

  it('fails a ragged or empty file with a clear error', async () => {
    const ragged = await csv('ragged.csv', [HEADER, '29-2072.00,X,0.2,0.6']);
    expect((await failure(ragged)).message).toMatch(
      /exposure file ragged\.csv: not a readable CSV: .*line 2/,
    );
    const empty = path.join(dir, 'empty.csv');
    await fs.writeFile(empty, '');
    expect((await failure(empty)).message).toContain('exposure file empty.csv: empty, expected a header row');
  });
});

describe.skipIf(!existsSync(REAL_FILE))('readExposureCsv on the real occ_level.csv (../shared/data)', () => {
  it('collapses 923 O*NET codes into 798 SOC codes with the β of the worked example', async () => {
    const rejects = new RejectCollector();
    const result = await readExposureCsv({ path: REAL_FILE }, rejects);
    expect(result.rows).toBe(923);
    expect(result.bySoc.size).toBe(798);
    expect(rejects.total()).toBe(0);
    expect(result.bySoc.get('29-2072')).toEqual({
      beta: 0.6176470588235294,
      onetCodes: ['29-2072.00'],
      rule: 'base',
    });
    expect(result.bySoc.get('29-1141')).toMatchObject({ onetCodes: ['29-1141.00'], rule: 'base' });
    const multi = [...result.bySoc.values()].filter((e) => e.onetCodes.length > 1);
    expect(multi.every((e) => e.rule === 'mean-of-children')).toBe(true);
  });

  it('gives 13-1199 the mean β of its four children', async () => {
    // Independent parse of the same file: the four 13-1199.xx rows and their dv_rating_beta.
    const lines = readFileSync(REAL_FILE, 'utf8').trim().split('\n');
    const betaColumn = lines[0]!.split(',').indexOf('dv_rating_beta');
    const children = lines
      .filter((l) => l.startsWith('13-1199.'))
      .map((l) => ({ code: l.split(',')[0]!, beta: Number(l.split(',')[betaColumn]) }));
    expect(children).toHaveLength(4);
    const mean = children.reduce((s, c) => s + c.beta, 0) / children.length;

    const result = await readExposureCsv({ path: REAL_FILE }, new RejectCollector());
    const entry = result.bySoc.get('13-1199');
    expect(entry?.rule).toBe('mean-of-children');
    expect(entry?.onetCodes).toEqual(children.map((c) => c.code).sort());
    expect(entry?.beta).toBeCloseTo(mean, 15);
  });

  it('yields a β that v2.0 can score for every SOC code', async () => {
    const result = await readExposureCsv({ path: REAL_FILE }, new RejectCollector());
    const v2 = getMethodology('2.0');
    const labels = new Set<string>();
    for (const exposure of result.bySoc.values()) {
      const scored = scoreOccupation(v2, { exposure, growth: null, human: null });
      labels.add(scored.exposure!.label);
    }
    expect([...labels].sort()).toEqual(['High', 'Low', 'Medium']);
  });
});
