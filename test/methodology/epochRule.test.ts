import { describe, expect, it } from 'vitest';
import {
  careerCategory,
  jobZoneAdjustment,
  rateByRule,
} from '../../src/methodology/humanAdvantage/engine.js';
import { getEpochRule, registerEpochRule } from '../../src/methodology/humanAdvantage/registry.js';
import { EPOCH_RULE_1 } from '../../src/methodology/humanAdvantage/rule_1.js';
import { ruleSubjectForSoc } from '../../src/methodology/humanAdvantage/subject.js';
import type { EpochRuleDefinition } from '../../src/methodology/humanAdvantage/types.js';
import type { OnetSocSummary } from '../../src/readers/onet/onetTypes.js';

const rule = getEpochRule('epoch-rule-1');
const epochOf = (r: {
  empathy: number;
  presence: number;
  opinion: number;
  creativity: number;
  hope: number;
}) => [r.empathy, r.presence, r.opinion, r.creativity, r.hope].join(' ');
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const band = (s: number) => (s >= 20 ? 'Strong' : s >= 12 ? 'Moderate' : 'Weak');

describe('epoch-rule-1: the worked examples of docs/epoch-rule.md (O*NET 29.2 titles and job zones)', () => {
  const examples = [
    ['29-2072.00', 'Medical Records Specialists', 'healthcare-technical', 3, '3 4 4 2 2', 15, 'Moderate'],
    ['15-1252.00', 'Software Developers', 'technology', 4, '2 1 5 5 2', 15, 'Moderate'],
    ['29-1141.00', 'Registered Nurses', 'healthcare-clinical', 4, '5 5 4 3 5', 22, 'Strong'],
    ['43-4171.00', 'Receptionists and Information Clerks', 'office-admin', 2, '2 2 1 1 1', 7, 'Weak'],
    ['11-2022.00', 'Sales Managers', 'sales', 4, '4 3 4 3 3', 17, 'Moderate'],
    ['41-9012.00', 'Models', 'arts-media', 2, '3 2 3 4 2', 14, 'Moderate'],
    ['11-1011.00', 'Chief Executives', 'management', 5, '4 3 5 5 4', 21, 'Strong'],
    ['21-1014.00', 'Mental Health Counselors', 'social-services', 5, '5 4 5 4 5', 23, 'Strong'],
    ['53-3032.00', 'Heavy and Tractor-Trailer Truck Drivers', 'transportation', 2, '2 4 1 1 1', 9, 'Weak'],
  ] as const;
  for (const [code, title, category, zone, ratings, total, label] of examples) {
    it(`${code} ${title} → ${category}, ${ratings} (${total}, ${label})`, () => {
      const r = rateByRule(rule, { code, title, jobZone: zone });
      expect(r.category).toBe(category);
      expect(epochOf(r.ratings)).toBe(ratings);
      expect(sum(r.ratings)).toBe(total);
      expect(band(sum(r.ratings))).toBe(label);
      expect(r.jobZone).toBe(zone);
      expect(r.jobZoneMissingReason).toBeUndefined();
    });
  }

  it('explains 29-2072: healthcare-technical default, no change at zone 3, "specialist" lifts Opinion', () => {
    expect(
      rateByRule(rule, { code: '29-2072.00', title: 'Medical Records Specialists', jobZone: 3 }),
    ).toEqual({
      ratings: { empathy: 3, presence: 4, opinion: 4, creativity: 2, hope: 2 },
      version: 'epoch-rule-1',
      code: '29-2072.00',
      category: 'healthcare-technical',
      categoryStep: 'minor-group',
      title: 'Medical Records Specialists',
      jobZone: 3,
      jobZoneAdjustment: 0,
      keywordRows: [{ row: 4, matched: ['specialist'], changes: { opinion: 1 } }],
    });
  });

  it('records the keyword rows in table order with every keyword that matched', () => {
    const r = rateByRule(rule, {
      code: '43-4171.00',
      title: 'Receptionists and Information Clerks',
      jobZone: 2,
    });
    expect(r.jobZoneAdjustment).toBe(-1);
    expect(r.keywordRows).toEqual([
      { row: 6, matched: ['clerk', 'receptionist'], changes: { creativity: -1, opinion: -1 } },
    ]);
  });
});

describe('epoch-rule-1: clamping and missing inputs', () => {
  it('clamps at 5: a zone-5 counsellor cannot pass 5 on Empathy, Hope or Opinion', () => {
    const r = rateByRule(rule, { code: '21-1014.00', title: 'Mental Health Counselors', jobZone: 5 });
    expect(r.ratings).toEqual({ empathy: 5, presence: 4, opinion: 5, creativity: 4, hope: 5 });
  });

  it('clamps at 1: office-admin Creativity 1, zone 1 (−1) and "clerk" (−1) stays 1', () => {
    const r = rateByRule(rule, { code: '43-9061.00', title: 'Office Clerks, General', jobZone: 1 });
    expect(r.ratings).toEqual({ empathy: 2, presence: 2, opinion: 1, creativity: 1, hope: 1 });
  });

  it('clamps after each change, so a later row still counts after an earlier one hit the bound', () => {
    // technology C5: "engineer" +1 stays 5, then "clerk" −1 gives 4 (not 5 as an unclamped 5+1−1 would).
    const r = rateByRule(rule, { code: '15-1299.00', title: 'Engineer Clerk', jobZone: 3 });
    expect(r.ratings.creativity).toBe(4);
    expect(r.keywordRows.map((k) => k.row)).toEqual([3, 6]);
  });

  it('without a job zone applies no adjustment and records why it was missing', () => {
    const r = rateByRule(rule, {
      code: '41-9012.00',
      title: 'Models',
      jobZone: null,
      jobZoneMissingReason: 'no Job Zones row for 41-9012.00 in O*NET 29.2',
    });
    expect(r.ratings).toEqual({ empathy: 3, presence: 2, opinion: 4, creativity: 5, hope: 2 });
    expect(r.jobZoneAdjustment).toBe(0);
    expect(r.jobZone).toBeNull();
    expect(r.jobZoneMissingReason).toBe('no Job Zones row for 41-9012.00 in O*NET 29.2');
  });

  it('without a title applies no keyword row', () => {
    expect(rateByRule(rule, { code: '29-2072', title: null, jobZone: 3 }).keywordRows).toEqual([]);
  });

  it('refuses a job zone outside 1–5 and a malformed code', () => {
    expect(() => rateByRule(rule, { code: '29-2072.00', title: 'x', jobZone: 6 })).toThrow(
      /job zone must be an integer 1–5, got 6/,
    );
    expect(() => rateByRule(rule, { code: '29-207', title: 'x', jobZone: 3 })).toThrow(/O\*NET-SOC code/);
  });

  it('maps job zones 1–2 to −1, 3–4 to 0 and 5 to +1', () => {
    expect([1, 2, 3, 4, 5].map((z) => jobZoneAdjustment(rule, z))).toEqual([-1, -1, 0, 0, 1]);
  });
});

describe('epoch-rule-1: career categories', () => {
  const cases = [
    ['41-9012.00', 'arts-media', 'override'],
    ['41-9011.00', 'sales', 'major-group'],
    ['11-2022.00', 'sales', 'redistribution'],
    ['11-3031.01', 'business-finance', 'redistribution'],
    ['11-9121.01', 'healthcare-clinical', 'redistribution'],
    ['11-9121.02', 'science', 'redistribution'],
    ['11-1021.00', 'management', 'redistribution'],
    ['29-1141.00', 'healthcare-clinical', 'minor-group'],
    ['29-9021.00', 'healthcare-clinical', 'minor-group'],
    ['29-2010', 'healthcare-technical', 'minor-group'],
    ['31-1120', 'healthcare-technical', 'major-group'],
    ['55-1011.00', 'military', 'major-group'],
    ['99-9999.00', null, 'none'],
  ] as const;
  for (const [code, category, step] of cases) {
    it(`${code} → ${category ?? '(no category)'} by ${step}`, () => {
      expect(careerCategory(rule, code)).toEqual({ category, step });
    });
  }

  it('rates a code with no category by the "(no category)" defaults', () => {
    const r = rateByRule(rule, { code: '99-9999.00', title: 'Nothing', jobZone: 3 });
    expect(epochOf(r.ratings)).toBe('2 3 3 2 2');
    expect(r.category).toBeNull();
  });
});

describe('epoch-rule-1: what is rated for a SOC (O*NET per-SOC summaries)', () => {
  const summary = (soc: string, over: Partial<OnetSocSummary> = {}): [string, OnetSocSummary] => [
    soc,
    { soc, onetCodes: [`${soc}.00`], combination: 'exact', title: `Title ${soc}`, jobZone: 3, ...over },
  ];

  it('rates a SOC with a .00 code as that code, with its O*NET title and job zone', () => {
    const s = ruleSubjectForSoc(
      '29-2072',
      'Medical Records Specialists (OEWS)',
      new Map([summary('29-2072', { title: 'Medical Records Specialists' })]),
    );
    expect(s).toEqual({
      subject: { code: '29-2072.00', title: 'Medical Records Specialists', jobZone: 3 },
      basis: 'base-code',
      onetCodes: ['29-2072.00'],
      titleSource: 'onet',
    });
  });

  it('rates a SOC whose .00 code has no data from the SOC, with the children’s job zone', () => {
    const s = ruleSubjectForSoc(
      '15-1299',
      'Computer Occupations, All Other',
      new Map([
        summary('15-1299', {
          onetCodes: ['15-1299.01', '15-1299.08'],
          combination: 'children-union',
          title: 'Computer Occupations, All Other',
          jobZone: 4,
        }),
      ]),
    );
    expect(s?.basis).toBe('children');
    expect(s?.subject).toEqual({ code: '15-1299', title: 'Computer Occupations, All Other', jobZone: 4 });
    expect(rateByRule(rule, s!.subject).category).toBe('technology');
  });

  it('combines the detailed SOCs of a broad-group aggregate O*NET does not list (29-2010)', () => {
    const s = ruleSubjectForSoc(
      '29-2010',
      'Clinical Laboratory Technologists and Technicians',
      new Map([
        summary('29-2011', { jobZone: 4 }),
        summary('29-2012', { jobZone: 3 }),
        summary('29-2021', { jobZone: 5 }),
      ]),
    );
    expect(s).toEqual({
      subject: { code: '29-2010', title: 'Clinical Laboratory Technologists and Technicians', jobZone: 4 },
      basis: 'broad-group',
      onetCodes: ['29-2011.00', '29-2012.00'],
      titleSource: 'soc',
    });
    const r = rateByRule(rule, s!.subject);
    expect(r.category).toBe('healthcare-technical');
    expect(r.code).toBe('29-2010.00');
    expect(r.keywordRows.map((k) => k.matched)).toEqual([['technician']]);
  });

  it('passes on why a job zone is missing, and finds nothing for a SOC O*NET does not cover', () => {
    const s = ruleSubjectForSoc(
      '41-9012',
      'Models',
      new Map([
        summary('41-9012', {
          jobZone: null,
          jobZoneMissingReason: 'O*NET publishes no job zone for 41-9012.00',
        }),
      ]),
    );
    expect(s?.subject.jobZoneMissingReason).toBe('O*NET publishes no job zone for 41-9012.00');
    expect(
      ruleSubjectForSoc('21-1018', 'Substance Abuse … Counselors', new Map([summary('21-1011')])),
    ).toBeNull();
    expect(ruleSubjectForSoc('45-3031', 'Fishing and Hunting Workers', new Map())).toBeNull();
  });
});

describe('human-advantage rule definitions are validated when registered', () => {
  const variant = (change: (d: EpochRuleDefinition) => void): EpochRuleDefinition => {
    const d = structuredClone(EPOCH_RULE_1) as EpochRuleDefinition;
    d.version = 'epoch-rule-99';
    change(d);
    return d;
  };

  it('refuses a category without defaults, naming it and where it is used', () => {
    const d = variant((x) => {
      delete x.defaults.legal;
    });
    expect(() => registerEpochRule(d)).toThrow(
      /category "legal" \(category.byMajorGroup.23\) has no defaults/,
    );
  });

  it('refuses a definition without the "(no category)" defaults', () => {
    const d = variant((x) => {
      delete x.defaults['(no category)'];
    });
    expect(() => registerEpochRule(d)).toThrow(/"\(no category\)" \(noCategory\) has no defaults/);
  });

  it('refuses a keyword row that names no real dimension', () => {
    const d = variant((x) => {
      x.keywordRows[0] = { keywords: ['counsel'], changes: { empath: 1 } };
    });
    expect(() => registerEpochRule(d)).toThrow(/keywordRows.0.changes.empath: "empath" is not a dimension/);
  });

  it('refuses defaults outside the rating scale, an upper-case keyword and a code listed twice', () => {
    const d = variant((x) => {
      x.defaults.legal = [3, 3, 6, 3, 2];
      x.keywordRows[1]?.keywords.push('Nurse');
      x.category.redistributions[0]?.table.sales?.push('11-2021.00');
    });
    let message = '';
    try {
      registerEpochRule(d);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/defaults.legal.2: opinion 6 is outside 1–5/);
    expect(message).toMatch(/"Nurse" is matched against the lower-cased title/);
    expect(message).toMatch(/11-2021.00 is (also listed under business-finance)/);
  });

  it('refuses a different definition under a published version', () => {
    const d = variant((x) => {
      x.version = 'epoch-rule-1';
      x.defaults.legal = [3, 3, 4, 3, 2];
    });
    expect(() => registerEpochRule(d)).toThrow(/already registered with different data/);
    expect(() => registerEpochRule(structuredClone(EPOCH_RULE_1) as EpochRuleDefinition)).not.toThrow();
  });

  it('freezes the registered rule', () => {
    expect(Object.isFrozen(rule.defaults)).toBe(true);
  });
});
