import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { registerEpochRule } from '../../src/methodology/humanAdvantage/registry.js';
import { EPOCH_RULE_1 } from '../../src/methodology/humanAdvantage/rule_1.js';
import type { EpochRuleDefinition } from '../../src/methodology/humanAdvantage/types.js';
import { registerMethodology } from '../../src/methodology/registry.js';
import { METHODOLOGY_V2_0 } from '../../src/methodology/v2_0.js';
import type { OccupationRecord } from '../../src/model/occupation.js';
import { embeddedRunIO } from '../../src/pipeline/embeddedRunIO.js';
import { runRefresh } from '../../src/pipeline/refresh.js';
import { runRescore } from '../../src/pipeline/rescore.js';
import { closeRunContext, createRunContext, newRunId } from '../../src/pipeline/runContext.js';
import { type OfflineHarness, offlineHarness } from '../support/offlineRun.js';
import { SHARED_ONET, zipOnetFolder } from '../support/onetArchive.js';

const SHARED = path.resolve(import.meta.dirname, '../../..', 'shared/data');
const REAL = {
  oews: path.join(SHARED, 'national_M2024_dl.xlsx'),
  ep: path.join(SHARED, 'ep_2024-34_occupation.xlsx'),
  exposure: path.join(SHARED, 'occ_level.csv'),
};
const haveReal = Object.values(REAL).every((p) => existsSync(p)) && existsSync(SHARED_ONET);

async function snapshotRecords(dir: string, id: string): Promise<OccupationRecord[]> {
  const text = await readFile(path.join(dir, id, 'occupations.ndjson'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as OccupationRecord);
}

describe.skipIf(!haveReal)('resilience and progression from the real upstream files (../shared/data)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-real-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('scores 29-2072 exactly as the careers site publishes it, its human advantage from the rule (no EPOCH_URL), with May 2024 progression bands', {
    timeout: 180_000,
  }, async () => {
    const config = loadConfig({
      SOURCES: 'oews,ep,exposure,epoch,onet',
      OEWS_FORMAT: 'xlsx',
      OEWS_XLSX_URLS: pathToFileURL(REAL.oews).href,
      EP_URL: pathToFileURL(REAL.ep).href,
      EXPOSURE_URL: pathToFileURL(REAL.exposure).href,
      ONET_URL: pathToFileURL(zipOnetFolder(SHARED_ONET)).href,
      SNAPSHOT_DIR: path.join(dir, 'snapshots'),
      CACHE_DIR: path.join(dir, 'cache'),
    });
    const ctx = createRunContext(config, silentLogger, embeddedRunIO(config, silentLogger));
    try {
      const summary = await runRefresh(ctx, { runId: newRunId(), trigger: 'cli' });
      expect(summary.error).toBeUndefined();
      expect(summary.status).toBe('published');
      // 831 OEWS detailed occupations plus EP's 45-3031, which OEWS does not publish.
      expect(summary.occupations).toBe(832);
      const recs = await snapshotRecords(path.join(dir, 'snapshots'), summary.snapshotId!);
      const mrs = recs.find((r) => r.soc === '29-2072')!;
      expect(mrs.category).toBe('healthcare-technical');
      expect(mrs.resilience).toEqual({
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
          source: 'rule',
          rule: {
            version: 'epoch-rule-1',
            code: '29-2072.00',
            basis: 'base-code',
            onetCodes: ['29-2072.00'],
            category: 'healthcare-technical',
            categoryStep: 'minor-group',
            title: 'Medical Records Specialists',
            titleSource: 'onet',
            jobZone: 3,
            jobZoneAdjustment: 0,
            keywordRows: [{ row: 4, matched: ['specialist'], changes: { opinion: 1 } }],
          },
        },
      });
      // The other worked examples of docs/epoch-rule.md, through the real O*NET 29.2 titles and zones.
      const sums = Object.fromEntries(
        ['15-1252', '29-1141', '43-4171', '11-2022', '41-9012', '11-1011', '53-3032'].map((soc) => [
          soc,
          recs.find((r) => r.soc === soc)?.resilience?.humanAdvantage?.sum,
        ]),
      );
      expect(sums).toEqual({
        '15-1252': 15,
        '29-1141': 22,
        '43-4171': 7,
        '11-2022': 17,
        '41-9012': 14,
        '11-1011': 21,
        '53-3032': 9,
      });
      expect(recs.every((r) => r.resilience?.humanAdvantage?.source !== 'manual')).toBe(true);
      // 21-1014 Mental Health Counselors is inside the OEWS aggregate 21-1018, which O*NET does not list.
      expect(recs.find((r) => r.soc === '21-1018')?.missing['resilience.humanAdvantage']).toBe(
        'no manual rating for 21-1018 and no O*NET 29.2 occupation for it',
      );
      // A broad-group aggregate is rated from its detailed SOCs (documented rule).
      expect(recs.find((r) => r.soc === '13-1020')?.resilience?.humanAdvantage?.rule).toMatchObject({
        basis: 'broad-group',
        onetCodes: ['13-1021.00', '13-1022.00', '13-1023.00'],
        titleSource: 'soc',
      });
      const scoring = summary.quality.scoring!;
      // Measured on these files (quoted in the README's "Human-advantage (EPOCH) ratings"): every occupation with an exposure
      // row and projections is scored; the rest are counted by cause.
      expect({
        scored: scoring.scored,
        unscored: scoring.unscored,
        byCause: scoring.byCause,
        byClassification: scoring.byClassification,
        humanAdvantage: scoring.humanAdvantage,
      }).toMatchInlineSnapshot(`
        {
          "byCause": {
            "no O*NET data": 5,
            "no exposure row": 59,
          },
          "byClassification": {
            "AI-Augmented": 435,
            "AI-Resilient": 87,
            "High Disruption Risk": 72,
            "In Transition": 179,
          },
          "humanAdvantage": {
            "manual": 0,
            "missing": 5,
            "rule": 827,
            "ruleVersion": "epoch-rule-1",
          },
          "scored": 773,
          "unscored": 59,
        }
      `);

      const expected = [35780, 41600, 50250, 64070, 80950];
      expect(mrs.careerProgression?.map((l) => l.annual)).toEqual(expected);
      mrs.careerProgression!.forEach((l, i) => {
        expect(l.low).toBe(Math.round(expected[i]! * 0.9));
        expect(l.high).toBe(Math.round(expected[i]! * 1.1));
      });
      expect(mrs.careerProgression?.[0]).toMatchObject({
        level: 'Entry',
        percentile: 10,
        years: { min: 0, typical: 1, max: 2 },
      });

      // Several O*NET children, no .00 row: the mean of the children (documented rule).
      const other = recs.find((r) => r.soc === '13-1199')!;
      expect(other.resilience?.exposure?.rule).toBe('mean-of-children');
      expect(other.resilience?.exposure?.onetCodes.length).toBe(4);

      // A top-coded median: progression level with the top code as lower bound, nothing invented.
      const obgyn = recs.find((r) => r.soc === '29-1218')!;
      const mid = obgyn.careerProgression!.find((l) => l.level === 'Mid-Career')!;
      expect(mid).toMatchObject({ annual: null, low: 239200, high: null });
    } finally {
      await closeRunContext(ctx);
    }
  });
});

describe('resilience inputs in an offline refresh', () => {
  let h: OfflineHarness;
  beforeEach(async () => {
    h = await offlineHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('scores the fixture occupations with the rule, and counts those without O*NET data as unscored', async () => {
    const summary = await h.refresh();
    expect(summary.status).toBe('published');
    const recs = await snapshotRecords(path.join(h.dir, 'snapshots'), summary.snapshotId!);
    const mrs = recs.find((r) => r.soc === '29-2072')!;
    expect(mrs.resilience).toMatchObject({ score: 3, classification: 'AI-Augmented' });
    expect(mrs.resilience?.humanAdvantage).toMatchObject({ sum: 15, source: 'rule' });
    expect(mrs.resilience?.humanAdvantage?.rule).toMatchObject({
      category: 'healthcare-technical',
      jobZone: 3,
    });
    expect(mrs.category).toBe('healthcare-technical');
    // The fixture O*NET release has no occupation for 45-3031 and 51-2090 (fixtures/figures.ts).
    const assemblers = recs.find((r) => r.soc === '51-2090')!;
    expect(assemblers.resilience?.humanAdvantage).toBeNull();
    expect(assemblers.resilience?.score).toBeNull();
    expect(assemblers.missing['resilience.humanAdvantage']).toMatch(/no O\*NET 29.2 occupation for it/);
    const rated = recs.filter((r) => r.resilience?.humanAdvantage?.source === 'rule').map((r) => r.soc);
    expect(rated.length).toBeGreaterThan(15);
    const scoring = summary.quality.scoring!;
    expect(scoring.byCause?.['no O*NET data']).toBeGreaterThanOrEqual(2);
    expect(scoring.scored + scoring.unscored).toBe(recs.length);
  });

  it('uses a manual row for its SOC (marked manual, with its note) and the rule for the others', async () => {
    const file = path.join(h.dir, 'manual.csv');
    await writeFile(
      file,
      [
        'soc,title,empathy,presence,opinion,creativity,hope,source,notes',
        '15-1252,Software Developers,2,1,3,4,2,manual,product review: less judgment than the technology default',
      ].join('\n'),
    );
    const summary = await h.refresh({ EPOCH_URL: pathToFileURL(file).href });
    expect(summary.status).toBe('published');
    const recs = await snapshotRecords(path.join(h.dir, 'snapshots'), summary.snapshotId!);
    expect(recs.find((r) => r.soc === '15-1252')!.resilience?.humanAdvantage).toEqual({
      ratings: { empathy: 2, presence: 1, opinion: 3, creativity: 4, hope: 2 },
      sum: 12,
      label: 'Moderate',
      points: 1,
      source: 'manual',
      note: 'product review: less judgment than the technology default',
    });
    expect(recs.find((r) => r.soc === '29-2072')!.resilience?.humanAdvantage?.source).toBe('rule');
    expect(summary.quality.scoring?.humanAdvantage?.manual).toBe(1);
  });

  it('ignores the retired generated rows of an older ratings file with a warning, and rates those SOCs by the rule', async () => {
    const file = path.join(h.dir, 'old.csv');
    await writeFile(
      file,
      [
        'soc,title,empathy,presence,opinion,creativity,hope,source,rubric_version,notes',
        '15-1252,Software Developers,2,1,3,4,2,generated,epoch-rubric-1,',
        '29-1141,Registered Nurses,5,5,4,3,4,manual,,reviewed',
      ].join('\n'),
    );
    const summary = await h.refresh({ EPOCH_URL: pathToFileURL(file).href });
    expect(summary.status).toBe('published');
    const recs = await snapshotRecords(path.join(h.dir, 'snapshots'), summary.snapshotId!);
    expect(recs.find((r) => r.soc === '15-1252')!.resilience?.humanAdvantage).toMatchObject({
      source: 'rule',
      sum: 15,
    });
    expect(recs.find((r) => r.soc === '29-1141')!.resilience?.humanAdvantage).toMatchObject({
      source: 'manual',
      sum: 21,
      note: 'reviewed',
    });
    expect(summary.quality.warnings.map((w) => w.message)).toContainEqual(
      expect.stringMatching(/old\.csv\): 1 generated rating\(s\) ignored/),
    );
  });

  const MANUAL = [
    'soc,empathy,presence,opinion,creativity,hope,source,notes',
    '15-1252,2,1,3,4,2,manual,reviewed',
    '29-1141,5,5,4,3,5,manual,reviewed',
  ];
  const badRatings: Array<[string, string[], RegExp]> = [
    [
      'a rating of 6',
      [MANUAL[0]!, '15-1252,2,1,3,4,6,manual,reviewed'],
      /manual\.csv.*row 2, hope: expected an integer 1–5, got "6"/s,
    ],
    [
      'a duplicate SOC',
      [...MANUAL, '15-1252.00,2,1,3,4,2,manual,'],
      /manual\.csv.*row 4, soc: .*15-1252 also on row 2/s,
    ],
    [
      'a missing column',
      MANUAL.map((l) =>
        l
          .split(',')
          .filter((_, i) => i !== 3)
          .join(','),
      ),
      /manual\.csv.*header lacks column "opinion"/s,
    ],
  ];
  for (const [what, lines, pattern] of badRatings) {
    it(`fails naming file, row and field, and publishes nothing, when the manual ratings file has ${what}`, async () => {
      const dir = await mkdtemp(path.join(h.dir, 'manual-'));
      const good = path.join(dir, 'good.csv');
      await writeFile(good, MANUAL.join('\n'));
      const first = await h.refresh({ EPOCH_URL: pathToFileURL(good).href });
      expect(first.status).toBe('published');
      const file = path.join(dir, 'manual.csv');
      await writeFile(file, lines.join('\n'));
      const summary = await h.refresh({ EPOCH_URL: pathToFileURL(file).href });
      expect(summary.status).toBe('failed');
      expect(summary.error).toMatch(pattern);
      expect(summary.snapshotId).toBe(first.snapshotId);
      expect((await readFile(path.join(h.dir, 'snapshots', 'latest'), 'utf8')).trim()).toBe(first.snapshotId);
    });
  }

  it('fails naming file, row and field when the exposure file has beta > 1', async () => {
    const first = await h.refresh();
    const res = await fetch(`${h.offline.server.url}/research/occ_level.csv`);
    const lines = (await res.text()).split('\n');
    const i = lines.findIndex((l) => l.startsWith('29-2072.00'));
    const cells = lines[i]!.split(',');
    cells[3] = '1.5';
    lines[i] = cells.join(',');
    h.offline.server.inject('/research/occ_level.csv', {
      kind: 'body',
      body: lines.join('\n'),
      contentType: 'text/csv',
    });
    const summary = await h.refresh();
    expect(summary.status).toBe('failed');
    expect(summary.error).toMatch(/occ_level\.csv/);
    expect(summary.error).toMatch(new RegExp(`row ${i + 1}\\b`));
    expect(summary.error).toMatch(/dv_rating_beta/);
    expect(summary.snapshotId).toBe(first.snapshotId);
  });

  it('rescores from the cached raw files with another methodology, without network, keeping wages byte-identical', async () => {
    const first = await h.refresh();
    expect(first.status).toBe('published');
    const shifted = structuredClone(METHODOLOGY_V2_0);
    shifted.version = '2.90';
    shifted.updated = '2026-11-01';
    shifted.exposure.bands[1]!.upTo = { value: 0.65, inclusive: true };
    registerMethodology(shifted);

    const ctx = h.context({ GATE_MAX_SCORED_SHARE_DROP: '1' });
    await h.offline.close(); // no upstream is reachable from here on
    const summary = await runRescore(ctx, { runId: newRunId(), from: 'latest', methodology: '2.90' });
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('published');
    expect(summary.snapshotId).not.toBe(first.snapshotId);

    const before = await snapshotRecords(path.join(h.dir, 'snapshots'), first.snapshotId!);
    const after = await snapshotRecords(path.join(h.dir, 'snapshots'), summary.snapshotId!);
    expect(after.map((r) => r.soc)).toEqual(before.map((r) => r.soc));
    for (let i = 0; i < before.length; i++) {
      expect(JSON.stringify(after[i]!.wages)).toBe(JSON.stringify(before[i]!.wages));
      expect(after[i]!.resilience?.methodology).toBe('2.90');
    }
    // β 0.6176 is High under v2.0 (0 points) and Medium under the shifted variant (1 point).
    const mrsBefore = before.find((r) => r.soc === '29-2072')!;
    const mrsAfter = after.find((r) => r.soc === '29-2072')!;
    expect(mrsBefore.resilience?.score).toBe(3);
    expect(mrsAfter.resilience?.exposure?.label).toBe('Medium');
    expect(mrsAfter.resilience?.score).toBe(4);
    const manifest = JSON.parse(
      await readFile(path.join(h.dir, 'snapshots', summary.snapshotId!, 'manifest.json'), 'utf8'),
    );
    expect(manifest.derivedFrom).toBe(first.snapshotId);
    expect(manifest.methodology).toBe('2.90');
  });

  it('rescores an earlier snapshot with another human-advantage rule from the cached raw files, the O*NET archive included, without network', async () => {
    const first = await h.refresh();
    expect(first.status).toBe('published');
    const manifest = JSON.parse(
      await readFile(path.join(h.dir, 'snapshots', first.snapshotId!, 'manifest.json'), 'utf8'),
    );
    expect(manifest.sources.onet?.[0]?.name).toBeDefined();
    const variant = structuredClone(EPOCH_RULE_1) as EpochRuleDefinition;
    variant.version = 'epoch-rule-90';
    variant.defaults['healthcare-technical'] = [3, 4, 4, 2, 2]; // Opinion 3 → 4
    registerEpochRule(variant);

    const ctx = h.context({ GATE_MAX_SCORED_SHARE_DROP: '1' });
    await h.offline.close(); // no upstream is reachable from here on
    const summary = await runRescore(ctx, { runId: newRunId(), from: 'latest', epochRule: 'epoch-rule-90' });
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('published');
    const after = await snapshotRecords(path.join(h.dir, 'snapshots'), summary.snapshotId!);
    const mrs = after.find((r) => r.soc === '29-2072')!;
    expect(mrs.resilience?.humanAdvantage).toMatchObject({
      ratings: { empathy: 3, presence: 4, opinion: 5, creativity: 2, hope: 2 },
      sum: 16,
      source: 'rule',
      rule: { version: 'epoch-rule-90', jobZone: 3, title: 'Medical Records Specialists' },
    });
    const dev = after.find((r) => r.soc === '15-1252')!;
    expect(dev.resilience?.humanAdvantage?.rule?.version).toBe('epoch-rule-90');
    expect(summary.quality.scoring?.humanAdvantage?.ruleVersion).toBe('epoch-rule-90');

    const unknown = await runRescore(ctx, { runId: newRunId(), from: 'latest', epochRule: 'epoch-rule-404' });
    expect(unknown.status).toBe('failed');
    expect(unknown.error).toMatch(/unknown human-advantage rule "epoch-rule-404"; known: epoch-rule-1/);
  });

  it('refuses to rescore when a recorded raw file is gone from the cache, naming it', async () => {
    const first = await h.refresh();
    const manifest = JSON.parse(
      await readFile(path.join(h.dir, 'snapshots', first.snapshotId!, 'manifest.json'), 'utf8'),
    );
    const ep = manifest.sources.ep[0];
    await rm(path.join(h.dir, 'cache', 'blobs', ep.sha256), { force: true });
    const summary = await runRescore(h.context(), { runId: newRunId(), from: first.snapshotId! });
    expect(summary.status).toBe('failed');
    expect(summary.error).toContain(ep.sha256);
    expect(summary.error).toContain('occupation.xlsx');
  });
});
