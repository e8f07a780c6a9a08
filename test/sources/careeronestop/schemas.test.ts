import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CertificationResponseSchema,
  describeIssues,
  OccupationResponseSchema,
  TrainingResponseSchema,
} from '../../../src/sources/careeronestop/schemas.js';
import { FIXTURES_DIR } from './harness.js';

const load = (endpoint: string, code: string) =>
  JSON.parse(readFileSync(path.join(FIXTURES_DIR, endpoint, `${code}.json`), 'utf8')) as Record<
    string,
    unknown
  >;

function detail(over: Record<string, unknown> = {}) {
  const body = load('occupation', '29-2072.00');
  const [d] = body.OccupationDetail as Record<string, unknown>[];
  return { ...body, OccupationDetail: [{ ...d, ...over }] };
}

describe('CareerOneStop response schemas', () => {
  it('accepts every fixture response (and extra fields such as MetaData, Tasks, facets)', () => {
    for (const [endpoint, schema] of [
      ['occupation', OccupationResponseSchema],
      ['certifications', CertificationResponseSchema],
      ['training', TrainingResponseSchema],
    ] as const) {
      const files = ['29-2072.00', '29-1141.00', '13-1199.00'];
      for (const f of files)
        expect(schema.safeParse(load(endpoint, f)).success, `${endpoint}/${f}`).toBe(true);
    }
  });

  it('reads RelatedOnetTitles as an object keyed by code and rejects an array', () => {
    const ok = OccupationResponseSchema.parse(detail());
    expect(ok.OccupationDetail[0]?.related[0]).toEqual({
      soc: '29-9021',
      onetCode: '29-9021.00',
      title: 'Health Information Technologists and Medical Registrars',
    });
    const bad = OccupationResponseSchema.safeParse(detail({ RelatedOnetTitles: [{ Code: '29-9021.00' }] }));
    expect(bad.success).toBe(false);
    expect(describeIssues(bad.error!)).toContain('OccupationDetail.0.RelatedOnetTitles');
  });

  it('names a renamed or missing field in the error', () => {
    const d = detail();
    const item = (d.OccupationDetail as Record<string, unknown>[])[0]!;
    item.EducationTrainings = item.EducationTraining;
    delete item.EducationTraining;
    const r = OccupationResponseSchema.safeParse(d);
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!)).toMatch(/^OccupationDetail\.0\.EducationTraining: /);
  });

  it('rejects a value that is not a number where a number is expected, naming it', () => {
    const r = OccupationResponseSchema.safeParse(
      detail({
        EducationTraining: {
          EducationTitle: 'x',
          ExperienceTitle: 'y',
          TrainingTitle: 'z',
          EducationType: [{ EducationLevel: 'Bachelor', Value: 'lots' }],
        },
      }),
    );
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!)).toContain('OccupationDetail.0.EducationTraining.EducationType.0.Value');
    expect(describeIssues(r.error!)).toContain('"lots"');
  });

  it('requires bright-outlook categories when BrightOutlook is set, and gives [] when it is not', () => {
    expect(OccupationResponseSchema.safeParse(detail({ BrightOutlookCategory: '' })).success).toBe(false);
    const none = OccupationResponseSchema.parse(detail({ BrightOutlook: '', BrightOutlookCategory: '' }));
    expect(none.OccupationDetail[0]?.brightOutlook).toEqual([]);
  });

  it('reads RecordCount given as text and certification ids given as numbers', () => {
    const r = CertificationResponseSchema.parse({
      RecordCount: '1,204',
      CertList: [{ Id: 77, Name: 'Thing', Acronym: '', Organization: 'Org', Type: 'Certification', Url: '' }],
    });
    expect(r.RecordCount).toBe(1204);
    expect(r.CertList[0]).toEqual({
      id: '77',
      name: 'Thing',
      acronym: null,
      organization: 'Org',
      type: 'Certification',
      url: null,
    });
    expect(CertificationResponseSchema.safeParse({ RecordCount: '', CertList: [] }).success).toBe(false);
  });

  it('accepts a null list as empty but not a missing one', () => {
    expect(TrainingResponseSchema.parse({ RecordCount: 0, SchoolPrograms: null }).SchoolPrograms).toEqual([]);
    const r = TrainingResponseSchema.safeParse({ RecordCount: 0, Programs: [] });
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!)).toMatch(/^SchoolPrograms: /);
  });
});
