import { afterEach, describe, expect, it } from 'vitest';
import { hasCoordinates } from '../../../src/sources/careeronestop/parse.js';
import { runCareerOneStop } from '../../../src/sources/careeronestop/runCareerOneStop.js';
import { apiRequests, FIXTURE_SOCS, listFiles, type Rig, startRig, TOKEN, USER_ID } from './harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function assertNoSecrets(text: string) {
  for (const s of [USER_ID, TOKEN, encodeURIComponent(USER_ID)]) expect(text).not.toContain(s);
}

describe('CareerOneStop source against the fixture API', () => {
  it('builds the 29-2072 fields: certifications, cleaned titles, related occupations, bright outlook, education', async () => {
    rig = await startRig();
    const result = await runCareerOneStop(rig.deps(), { socs: ['29-2072'], runId: 'run-1' });
    const f = result.fields['29-2072']!;

    expect(f.sourceStatus.status).toBe('fresh');
    expect(f.training?.certifications?.count).toBe(4);
    expect(f.training?.certifications?.items.map((c) => c.acronym)).toEqual(['CCS', 'CPC', 'RHIT', 'RHIA']);
    expect(new Set(f.training?.certifications?.items.map((c) => c.organization))).toEqual(
      new Set(['American Health Information Management Association', 'AAPC']),
    );
    // 10 given, minus a case-duplicate ("coder") and a blank; whitespace trimmed.
    expect(f.alsoKnownAs).toEqual([
      'Coder',
      'Health Information Clerk',
      'Health Information Specialist',
      'Medical Records Technician (Medical Records Tech)',
      'Registered Health Information Technician (RHIT)',
      'Certified Coding Specialist (CCS)',
      'Medical Coder',
      'Health Information Technician',
    ]);
    expect(f.relatedOccupations).toHaveLength(8);
    expect(f.relatedOccupations).toContainEqual({
      soc: '29-9021',
      onetCode: '29-9021.00',
      title: 'Health Information Technologists and Medical Registrars',
    });
    expect(f.brightOutlook).toEqual(['Rapid Growth']);
    expect(f.educationProfile).toMatchObject({
      source: 'careeronestop',
      typicalEducation: "Bachelor's degree",
      experience: 'One to two years',
      training: 'One to two years',
    });
    // ".5" is a real number; "" is not published → null, never 0.
    expect(f.educationProfile?.attainment[0]).toEqual({
      level: 'Less than high school diploma',
      percent: 0.5,
    });
    expect(f.educationProfile?.attainment.at(-1)).toEqual({
      level: 'Doctoral or professional degree',
      percent: null,
    });
    const programs = f.training?.programs.US;
    expect(programs?.count).toBe(3);
    expect(programs?.items[0]).toEqual({
      school: 'City Colleges of Chicago - Malcolm X College',
      program: 'Health Information/Medical Records Technology/Technician',
      city: 'Chicago',
      state: 'Illinois',
      url: 'https://www.ccc.edu/colleges/malcolm-x/',
      length: '2 years',
    });
    expect(programs?.items[2]?.url).toBeNull();

    // Nothing stored carries a geocode (Latitude/Longitude, Lat/Lng, GeoLocation all appear upstream).
    const stored = await rig.store.get('training', '29-2072', 'US');
    expect(stored?.status).toBe('ok');
    expect(hasCoordinates(stored?.body)).toBe(false);
    expect(await rig.cacheText()).not.toMatch(/latitude|longitude|"lat"|"lng"|geolocation/i);
    // Provenance: params, secret-free request paths and the MetaData block are kept.
    const occ = await rig.store.get('occupation', '29-2072');
    expect(occ?.requests[0]).toMatch(/^\/v1\/occupation\/\{userId\}\/29-2072\.00\/US\?training=true&/);
    expect((occ!.body as { MetaData?: { Publisher?: string } }).MetaData?.Publisher).toBe('CareerOneStop');
  });
  it('keeps empty lists as empty (13-1199), not null and not invented', async () => {
    rig = await startRig();
    const result = await runCareerOneStop(rig.deps(), { socs: ['13-1199'], runId: 'r' });
    const f = result.fields['13-1199']!;
    expect(f.sourceStatus.status).toBe('fresh');
    expect(f.alsoKnownAs).toEqual([]);
    expect(f.relatedOccupations).toEqual([]);
    expect(f.brightOutlook).toEqual([]);
    expect(f.training).toEqual({
      programs: { US: { count: 0, items: [] } },
      certifications: { count: 0, items: [] },
    });
    expect(f.educationProfile).toEqual({
      source: 'careeronestop',
      typicalEducation: null,
      experience: null,
      training: null,
      attainment: [],
    });
  });
  it('stops the whole source once on 401: one error line, one message, few requests', async () => {
    rig = await startRig();
    rig.faults.unauthorized(401);
    const result = await runCareerOneStop(rig.deps(), { socs: FIXTURE_SOCS, runId: 'r-auth' });
    expect(result.quality.stopped).toMatch(/CareerOneStop rejected the credentials \(HTTP 401\)/);
    const errorLines = rig.lines.filter((l) => JSON.parse(l).level >= 50);
    expect(errorLines).toHaveLength(1);
    expect(apiRequests(rig.server).length).toBeLessThanOrEqual(rig.config.CAREERONESTOP_CONCURRENCY);
    // Every occupation is failed with the same reason, not one different error each.
    const statuses = new Set(Object.values(result.fields).map((f) => f.sourceStatus.status));
    expect(statuses).toEqual(new Set(['failed']));
    expect(result.fields['29-2072']?.sourceStatus.reason).toContain('HTTP 401');
    expect(result.quality.endpoints.occupation.failed).toBe(FIXTURE_SOCS.length);
    assertNoSecrets(rig.lines.join('\n') + JSON.stringify(result));
  });
  it('a Retry-After longer than the in-process cap stops the source once instead of sleeping for it', async () => {
    rig = await startRig();
    rig.faults.rateLimit(100, 3600);
    const result = await runCareerOneStop(rig.deps(), { socs: FIXTURE_SOCS, runId: 'r-429' });
    expect(result.quality.stopped).toMatch(/asked to wait 3600 s \(Retry-After\)/);
    expect(rig.lines.filter((l) => JSON.parse(l).level >= 50)).toHaveLength(1);
    expect(rig.sleeps.every((ms) => ms < 3_600_000)).toBe(true);
    expect(apiRequests(rig.server).length).toBeLessThanOrEqual(rig.config.CAREERONESTOP_CONCURRENCY);
  });
  it('a drifted field fails only that occupation, with a message naming the field', async () => {
    rig = await startRig();
    rig.faults.renameField('29-2072', 'AlternateTitles', 'AlternateTitleList');
    const result = await runCareerOneStop(rig.deps(), {
      socs: ['29-2072', '15-1252', '29-1141'],
      runId: 'r',
    });
    const bad = result.fields['29-2072']!;
    expect(bad.sourceStatus.status).toBe('failed');
    expect(bad.sourceStatus.reason).toContain('OccupationDetail.0.AlternateTitles');
    expect(bad.alsoKnownAs).toBeNull();
    expect(result.missing['29-2072']?.alsoKnownAs).toContain('AlternateTitles');
    // Its certifications and training still came through.
    expect(bad.training?.certifications?.count).toBe(4);
    expect(result.fields['15-1252']?.sourceStatus.status).toBe('fresh');
    expect(result.fields['29-1141']?.sourceStatus.status).toBe('fresh');
    expect(result.quality.endpoints.occupation).toMatchObject({ fresh: 2, failed: 1 });
  });
  it('a second run within max age makes zero requests; --force re-fetches', async () => {
    rig = await startRig();
    const first = await runCareerOneStop(rig.deps(), { socs: FIXTURE_SOCS, runId: 'r1' });
    const afterFirst = apiRequests(rig.server).length;
    expect(first.quality.requests).toBe(afterFirst);
    const second = await runCareerOneStop(rig.deps(), { socs: FIXTURE_SOCS, runId: 'r2' });
    expect(apiRequests(rig.server).length).toBe(afterFirst);
    expect(second.quality.requests).toBe(0);
    expect(second.quality.endpoints.occupation).toMatchObject({ reused: 18, not_found: 2, fresh: 0 });
    expect(second.fields['29-2072']).toEqual(first.fields['29-2072']);
    const forced = await runCareerOneStop(rig.deps(), { socs: ['29-2072'], runId: 'r3', force: true });
    expect(forced.quality.requests).toBe(3);
  });
  it('refetches only entries older than CAREERONESTOP_MAX_AGE', async () => {
    rig = await startRig();
    const t0 = new Date('2026-01-01T00:00:00Z');
    await runCareerOneStop(rig.deps({ now: () => t0 }), { socs: ['29-2072'], runId: 'r1' });
    const n = apiRequests(rig.server).length;
    const later = new Date(t0.getTime() + 8 * 86_400_000);
    const again = await runCareerOneStop(rig.deps({ now: () => later }), { socs: ['29-2072'], runId: 'r2' });
    expect(apiRequests(rig.server).length).toBe(2 * n);
    expect(again.quality.endpoints.occupation.fresh).toBe(1);
  });
  it('when the API is down on a later run, keeps the last good data marked stale with its age', async () => {
    rig = await startRig({ HTTP_MAX_ATTEMPTS: '2' });
    const t0 = new Date('2026-01-01T00:00:00Z');
    const first = await runCareerOneStop(rig.deps({ now: () => t0 }), {
      socs: ['29-2072', '15-1252'],
      runId: 'r1',
    });
    await rig.server.close();
    const later = new Date(t0.getTime() + 10 * 86_400_000);
    const second = await runCareerOneStop(rig.deps({ now: () => later }), {
      socs: ['29-2072', '15-1252', '11-1011'],
      runId: 'r2',
    });
    const f = second.fields['29-2072']!;
    expect(f.sourceStatus).toMatchObject({
      status: 'stale',
      fetchedAt: t0.toISOString(),
      ageSeconds: 864_000,
    });
    expect(f.sourceStatus.reason).toMatch(/ECONNREFUSED|failed/);
    expect(f.training?.certifications?.count).toBe(4);
    expect(f.alsoKnownAs).toEqual(first.fields['29-2072']?.alsoKnownAs);
    // Never fetched before: nothing to reuse → nulls with the reason.
    const none = second.fields['11-1011']!;
    expect(none.sourceStatus.status).toBe('failed');
    expect(none.alsoKnownAs).toBeNull();
    expect(second.missing['11-1011']?.alsoKnownAs).toMatch(/ECONNREFUSED|failed/);
    expect(second.quality.endpoints.occupation).toMatchObject({ stale: 2, failed: 1 });
    // After the details call failed, the unit does not hammer the other endpoints.
    expect(second.outcomes.find((o) => o.soc === '29-2072')?.requests).toBe(2);
  });
  it('never writes or logs the token or user id', async () => {
    rig = await startRig({ TRAINING_LOCATIONS: 'US,IL' });
    rig.faults.serverError(2, 503);
    const result = await runCareerOneStop(rig.deps(), { socs: FIXTURE_SOCS, runId: 'r-secrets' });
    rig.faults.renameField('15-1252', 'OnetTitle', 'Title');
    rig.faults.errorMessage('29-1141', `bad user ${USER_ID}`);
    const forced = await runCareerOneStop(rig.deps(), {
      socs: FIXTURE_SOCS,
      runId: 'r-secrets-2',
      force: true,
    });
    rig.faults.reset().unauthorized(403);
    const stopped = await runCareerOneStop(rig.deps(), {
      socs: FIXTURE_SOCS,
      runId: 'r-secrets-3',
      force: true,
    });
    expect(stopped.quality.stopped).toContain('HTTP 403');
    expect((await listFiles(rig.cacheDir)).length).toBeGreaterThan(40);
    assertNoSecrets(await rig.cacheText());
    assertNoSecrets(rig.lines.join('\n'));
    assertNoSecrets(JSON.stringify([result, forced, stopped]));
    // The secret did reach the fixture server (so the check above is meaningful).
    expect(rig.server.requests.some((r) => r.path.includes(USER_ID))).toBe(true);
    expect(rig.server.requests.some((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });
});
