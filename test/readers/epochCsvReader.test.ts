import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EPOCH_FILE } from '../../src/config.js';
import { ValidationError } from '../../src/errors.js';
import { scoreOccupation } from '../../src/methodology/engine.js';
import { rateByRule } from '../../src/methodology/humanAdvantage/engine.js';
import { getEpochRule } from '../../src/methodology/humanAdvantage/registry.js';
import { getMethodology } from '../../src/methodology/registry.js';
import { readEpochCsv } from '../../src/readers/epochCsvReader.js';
import { RejectCollector } from '../../src/validate/rejects.js';

const HEADER = 'soc,empathy,presence,opinion,creativity,hope,source';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'careerdata-epoch-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function csv(name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, lines.join('\n') + '\n');
  return file;
}

async function failure(file: string, rejects = new RejectCollector()): Promise<ValidationError> {
  const err = await readEpochCsv({ path: file }, rejects).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

describe('readEpochCsv', () => {
  it('reads manual ratings per SOC with their notes, allowing extra columns in any order and O*NET-style codes', async () => {
    const file = await csv('ratings.csv', [
      'title,soc,empathy,presence,opinion,creativity,hope,source,rubric_version,notes',
      'Medical Records Specialists,29-2072,3,4,4,2,2,manual,,reference page',
      '"Nurses, Registered",29-1141.00,5,5,4,3,4,manual,,',
    ]);
    const rejects = new RejectCollector();
    const { bySoc } = await readEpochCsv({ path: file }, rejects);
    expect(bySoc.size).toBe(2);
    expect(bySoc.get('29-2072')).toEqual({
      ratings: { empathy: 3, presence: 4, opinion: 4, creativity: 2, hope: 2 },
      source: 'manual',
      note: 'reference page',
    });
    expect(bySoc.get('29-1141')).toEqual({
      ratings: { empathy: 5, presence: 5, opinion: 4, creativity: 3, hope: 4 },
      source: 'manual',
    });
    expect(rejects.counts.get('epoch')).toMatchObject({ read: 2, kept: 2, rejected: 0 });
  });

  it('reads a file with only its header as no manual rating', async () => {
    const file = await csv('empty.csv', [HEADER]);
    const { bySoc } = await readEpochCsv({ path: file }, new RejectCollector());
    expect(bySoc.size).toBe(0);
  });

  it('makes a rating of 6 fatal, naming file, row and field', async () => {
    const file = await csv('six.csv', [HEADER, '29-2072,3,4,4,2,2,manual', '43-4051,3,2,2,2,6,manual']);
    const rejects = new RejectCollector();
    const err = await failure(file, rejects);
    expect(err.source).toBe('epoch');
    expect(err.message).toContain('epoch file six.csv: 1 invalid row');
    expect(err.message).toContain('row 3, hope: expected an integer 1–5, got "6"');
    expect(rejects.rejects).toEqual([
      expect.objectContaining({ source: 'epoch', file: 'six.csv', row: 3, field: 'hope', got: '"6"' }),
    ]);
  });

  it.each([
    ['0', 'zero'],
    ['3.5', 'a fraction'],
    ['', 'a blank'],
    ['three', 'a word'],
  ])('rejects a rating of %j (%s) rather than reading it as a number', async (value, label) => {
    const file = await csv(`bad-${label.replace(/\W/g, '')}.csv`, [
      HEADER,
      `29-2072,3,${value},4,2,2,manual`,
    ]);
    const err = await failure(file);
    expect(err.message).toContain(`row 2, presence: expected an integer 1–5, got ${JSON.stringify(value)}`);
  });

  it('makes a second row for one SOC fatal, naming both rows', async () => {
    const file = await csv('duplicate.csv', [
      HEADER,
      '29-2072,3,4,4,2,2,manual',
      '15-1252,2,1,3,4,2,manual',
      '29-2072.00,3,4,4,3,2,manual',
    ]);
    const err = await failure(file);
    expect(err.message).toContain(
      'row 4, soc: expected one row per SOC code, got "29-2072.00" (SOC 29-2072 also on row 2)',
    );
  });

  it('fails the whole file when a column is missing, naming the column', async () => {
    const file = await csv('no-hope.csv', [
      'soc,empathy,presence,opinion,creativity,source',
      '29-2072,3,4,4,2,manual',
    ]);
    const err = await failure(file);
    expect(err.message).toContain('epoch file no-hope.csv: header lacks column "hope"');
    expect(err.details).toMatchObject({ file: 'no-hope.csv', missingColumns: ['hope'] });
  });

  it('rejects an unknown source and a bad SOC code, listing both', async () => {
    const file = await csv('several.csv', [HEADER, '29-2072,3,4,4,2,2,curated', '292072,3,4,4,2,2,manual']);
    const err = await failure(file);
    expect(err.message).toContain('epoch file several.csv: 2 invalid rows');
    expect(err.message).toContain('row 2, source: expected manual, got "curated"');
    expect(err.message).toContain('row 3, soc: expected a SOC code NN-NNNN (or NN-NNNN.NN), got "292072"');
  });

  it('ignores retired generated rows with a warning naming them, keeping the manual ones', async () => {
    const file = await csv('old-format.csv', [
      'soc,title,empathy,presence,opinion,creativity,hope,source,rubric_version,notes',
      '11-1011,Chief Executives,3,3,5,4,5,generated,epoch-rubric-1,',
      '29-2072,Medical Records Specialists,3,4,4,2,2,manual,,',
    ]);
    const rejects = new RejectCollector();
    const { bySoc } = await readEpochCsv({ path: file }, rejects);
    expect([...bySoc.keys()]).toEqual(['29-2072']);
    expect(rejects.counts.get('epoch')).toMatchObject({ read: 2, kept: 1, rejected: 0 });
    expect(rejects.warnings).toEqual([
      {
        source: 'epoch',
        message: expect.stringMatching(/^old-format\.csv: 1 generated rating\(s\) ignored: .*rule/),
        details: { ignored: ['11-1011 (row 2)'] },
      },
    ]);
  });

  it('still refuses a generated row that is malformed', async () => {
    const err = await failure(await csv('bad-generated.csv', [HEADER, '11-1011,3,3,9,4,5,generated']));
    expect(err.message).toContain('row 2, opinion: expected an integer 1–5, got "9"');
  });

  it('uses the artifact name in errors when given one', async () => {
    const file = await csv('e3b0c44298fc', [HEADER, '29-2072,3,4,4,2,9,manual']);
    const err = await readEpochCsv({ path: file, name: 'epoch-ratings.csv' }, new RejectCollector()).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toContain('epoch file epoch-ratings.csv:');
  });
});

describe('the shipped data/epoch-ratings.csv', () => {
  it('lists no manual rating: the judgment-written rows are retired and 29-2072 needs none (the rule gives 15)', async () => {
    const { bySoc } = await readEpochCsv({ path: DEFAULT_EPOCH_FILE }, new RejectCollector());
    expect(bySoc.size).toBe(0);
    const rule = rateByRule(getEpochRule(), {
      code: '29-2072.00',
      title: 'Medical Records Specialists',
      jobZone: 3,
    });
    const result = scoreOccupation(getMethodology('2.0'), {
      exposure: { beta: 0.6176470588235294, onetCodes: ['29-2072.00'], rule: 'base' },
      growth: { percent: 7.1, release: '2024-34' },
      human: { ratings: rule.ratings, source: 'rule' },
    });
    expect(result).toMatchObject({ score: 3, classification: 'AI-Augmented' });
    expect(result.humanAdvantage).toMatchObject({ sum: 15, label: 'Moderate', points: 1, source: 'rule' });
  });
});
