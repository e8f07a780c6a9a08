import { describe, expect, it } from 'vitest';
import type { StoredResponse } from '../../../src/sources/careeronestop/responseStore.js';
import {
  careerOneStopFieldsWithReasons as fieldsOf,
  type StoredEntries,
} from '../../../src/sources/careeronestop/toRecordFields.js';

const DAY = 86_400_000;
const T0 = '2026-01-01T00:00:00.000Z';

const occupation = (fetchedAt = T0): StoredResponse => ({
  endpoint: 'occupation',
  soc: '15-1252',
  params: {},
  requests: [],
  fetchedAt,
  status: 'ok',
  body: {
    OccupationDetail: [
      {
        OnetCode: '15-1252.00',
        OnetTitle: 'Software Developers',
        AlternateTitles: ['Software Engineer', 'software engineer', ''],
        RelatedOnetTitles: { '15-1251.00': 'Computer Programmers' },
        BrightOutlook: 'Bright',
        BrightOutlookCategory: 'Rapid Growth; Numerous Job Openings',
        EducationTraining: null,
      },
    ],
  },
});
const certs = (fetchedAt = T0): StoredResponse => ({
  endpoint: 'certifications',
  soc: '15-1252',
  params: {},
  requests: [],
  fetchedAt,
  status: 'ok',
  body: { RecordCount: 12, CertList: [{ Id: '1-C', Name: 'Cert', Acronym: 'C', Organization: 'Org' }] },
});
const programs = (status: 'ok' | 'not_found' = 'ok'): StoredResponse => ({
  endpoint: 'training',
  soc: '15-1252',
  location: 'US',
  params: {},
  requests: [],
  fetchedAt: T0,
  status,
  body: status === 'ok' ? { RecordCount: 0, SchoolPrograms: [] } : null,
});

const entries = (over: Partial<StoredEntries> = {}): StoredEntries => ({
  soc: '15-1252',
  occupation: occupation(),
  certifications: certs(),
  training: { US: programs() },
  ...over,
});

describe('careerOneStopFields', () => {
  it('maps fresh entries to the record fields', () => {
    const { fields: f, missing } = fieldsOf(entries(), new Date(Date.parse(T0) + DAY), 7 * DAY);
    expect(f.sourceStatus).toEqual({ status: 'fresh', fetchedAt: T0 });
    expect(f.alsoKnownAs).toEqual(['Software Engineer']);
    expect(f.relatedOccupations).toEqual([
      { soc: '15-1251', onetCode: '15-1251.00', title: 'Computer Programmers' },
    ]);
    expect(f.brightOutlook).toEqual(['Rapid Growth', 'Numerous Job Openings']);
    expect(f.training?.certifications).toEqual({
      count: 12,
      items: [{ id: '1-C', name: 'Cert', acronym: 'C', organization: 'Org', type: null, url: null }],
    });
    // No EducationTraining block: null with a reason, never an invented profile.
    expect(f.educationProfile).toBeNull();
    expect(missing.educationProfile).toContain('no EducationTraining');
  });

  it('marks data older than max age stale with its age, using the oldest part', () => {
    const older = '2025-12-20T00:00:00.000Z';
    const now = new Date('2026-01-10T00:00:00.000Z');
    const { fields: f } = fieldsOf(entries({ certifications: certs(older) }), now, 7 * DAY, {
      endpoints: [
        {
          endpoint: 'certifications',
          status: 'stale',
          fetchedAt: older,
          reason: 'HTTP 503 (gave up)',
          requests: 4,
        },
      ],
    });
    expect(f.sourceStatus).toMatchObject({ status: 'stale', fetchedAt: older, ageSeconds: 21 * 86_400 });
    expect(f.sourceStatus.reason).toContain('HTTP 503');
    expect(f.training?.certifications?.count).toBe(12);
  });

  it('reports a part with no data as failed with its reason and keeps the parts that exist', () => {
    const { fields: f, missing } = fieldsOf(entries({ occupation: undefined }), new Date(T0), 7 * DAY, {
      endpoints: [
        { endpoint: 'occupation', status: 'failed', fetchedAt: null, reason: 'ECONNREFUSED', requests: 2 },
      ],
    });
    expect(f.sourceStatus.status).toBe('failed');
    expect(f.sourceStatus.reason).toBe('occupation: ECONNREFUSED');
    expect(f.alsoKnownAs).toBeNull();
    expect(missing.alsoKnownAs).toBe('ECONNREFUSED');
    expect(f.training?.certifications?.count).toBe(12);
  });

  it('a 404 for one training location is null with a reason, not a zero', () => {
    const { fields: f, missing } = fieldsOf(
      entries({ training: { US: programs('not_found') } }),
      new Date(T0),
      7 * DAY,
    );
    expect(f.training?.programs.US).toBeNull();
    expect(missing['training.programs.US']).toContain('404');
    expect(f.sourceStatus.status).toBe('fresh');
  });

  it('a stored body that no longer matches the contract is a failure naming the field', () => {
    const bad = occupation();
    (bad.body as { OccupationDetail: Record<string, unknown>[] }).OccupationDetail[0]!.OnetTitle = undefined;
    const { fields: f, missing } = fieldsOf(entries({ occupation: bad }), new Date(T0), 7 * DAY);
    expect(f.sourceStatus.status).toBe('failed');
    expect(f.sourceStatus.reason).toContain('OccupationDetail.0.OnetTitle');
    expect(missing.relatedOccupations).toContain('no longer matches the contract');
  });
});
