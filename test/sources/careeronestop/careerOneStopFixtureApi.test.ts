import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { CareerOneStopFaults, careerOneStopRoutes } from '../../../src/offline/careerOneStopFixtureApi.js';
import { type FixtureServer, startFixtureServer } from '../../../src/offline/fixtureServer.js';
import { FIXTURES_DIR, TOKEN, USER_ID } from './harness.js';

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(faults = new CareerOneStopFaults()) {
  server = await startFixtureServer({
    routes: careerOneStopRoutes({ fixturesDir: FIXTURES_DIR, userId: USER_ID, token: TOKEN, faults }),
  });
  return server;
}

async function get(path: string, token = TOKEN) {
  const res = await request(`${server!.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: text ? JSON.parse(text) : null };
}

const occ = (
  code: string,
  user = USER_ID,
  q = '?alternateOnetTitles=true&relatedOnetTitles=true&training=true',
) => `/v1/occupation/${user}/${code}/US${q}`;

describe('CareerOneStop fixture API', () => {
  it('checks the Bearer token and the user id in the path', async () => {
    await start();
    expect((await get(occ('29-2072.00'))).status).toBe(200);
    expect((await get(occ('29-2072.00'), 'wrong')).status).toBe(401);
    expect((await get(occ('29-2072.00', 'someone-else'))).status).toBe(401);
  });

  it('answers 404 for codes without a fixture (the bare SOC, aggregates, 45-3031)', async () => {
    await start();
    expect((await get(occ('29-2072'))).status).toBe(404);
    expect((await get(occ('13-1020.00'))).status).toBe(404);
    expect((await get(occ('45-3031.00'))).status).toBe(404);
  });

  it('gates fields on the switches as upstream does', async () => {
    await start();
    const bare = await get(occ('29-2072.00', USER_ID, ''));
    expect(bare.json.OccupationDetail[0].AlternateTitles).toEqual([]);
    expect(bare.json.OccupationDetail[0].EducationTraining).toBeUndefined();
  });

  it('pages list endpoints by start/limit and reports the full RecordCount', async () => {
    await start();
    const page = await get(`/v1/training/${USER_ID}/29-1141.00/US/0/0/0/0/0/0/0/0/20/10`);
    expect(page.json.RecordCount).toBe(23);
    expect(page.json.SchoolPrograms).toHaveLength(3);
    const certs = await get(`/v1/certificationfinder/${USER_ID}/29-2072.00/D/0/0/0/0/0/0/0/0/2`);
    expect(certs.json.RecordCount).toBe(4);
    expect(certs.json.CertList.map((c: { Acronym: string }) => c.Acronym)).toEqual(['CCS', 'CPC']);
  });

  it('injects 401 for everything, 429 with Retry-After, 5xx, renamed fields and slow answers', async () => {
    const faults = new CareerOneStopFaults();
    await start(faults);
    faults.rateLimit(1, 7).serverError(1, 503);
    const limited = await get(occ('29-2072.00'));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect((await get(occ('29-2072.00'))).status).toBe(503);
    expect((await get(occ('29-2072.00'))).status).toBe(200);

    faults.renameField('29-2072', 'RelatedOnetTitles', 'RelatedTitles');
    const renamed = await get(occ('29-2072.00'));
    expect(renamed.json.OccupationDetail[0].RelatedTitles).toBeDefined();
    expect(renamed.json.OccupationDetail[0].RelatedOnetTitles).toBeUndefined();
    expect((await get(occ('15-1252.00'))).json.OccupationDetail[0].RelatedOnetTitles).toBeDefined();

    faults.reset().delay(30);
    expect((await get(occ('29-2072.00'))).status).toBe(200);
    faults.reset().unauthorized(403);
    expect((await get(occ('29-2072.00'))).status).toBe(403);
    expect((await get(`/v1/training/${USER_ID}/29-1141.00/US/0/0/0/0/0/0/0/0/0/10`)).status).toBe(403);
  });
});
