/**
 * `--offline`: serve the bundled fixtures (BLS files, research files, a CareerOneStop-compatible API)
 * from 127.0.0.1 and point every source URL at them, so a whole refresh runs through the real HTTP
 * client with no network.
 */
import path from 'node:path';
import { PACKAGE_ROOT } from '../config.js';
import { careerOneStopRoutes } from './careerOneStopFixtureApi.js';
import { type FixtureServer, startFixtureServer } from './fixtureServer.js';

export const FIXTURES_DIR = path.join(PACKAGE_ROOT, 'fixtures');
export const GENERATED_DIR = path.join(FIXTURES_DIR, 'generated');

/** Credentials the fixture API accepts; not secrets, but handled as if they were. */
export const OFFLINE_CAREERONESTOP = { userId: 'offline-user-7f3a', token: 'offline-token-91c2' };

/** A fixed port keeps fixture URLs (and so the conditional-request cache) stable across offline runs. */
export const OFFLINE_PORT = 47811;

export interface OfflineEnvironment {
  server: FixtureServer;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startOfflineEnvironment(opts: { port?: number } = {}): Promise<OfflineEnvironment> {
  const routes = careerOneStopRoutes({
    fixturesDir: path.join(FIXTURES_DIR, 'careeronestop'),
    ...OFFLINE_CAREERONESTOP,
  });
  let server: FixtureServer;
  try {
    server = await startFixtureServer({ root: GENERATED_DIR, routes, port: opts.port ?? OFFLINE_PORT });
  } catch {
    server = await startFixtureServer({ root: GENERATED_DIR, routes, port: 0 });
  }
  const u = server.url;
  const oes = `${u}/bls/oes/special-requests`;
  const env: Record<string, string> = {
    BLS_CONTACT_EMAIL: 'offline@careerdata.invalid',
    OEWS_FLATFILES_URL: `${u}/bls/pub/time.series/oe/`,
    OEWS_XLSX_URLS: `${oes}/oesm24nat.zip,${oes}/oesm24st.zip,${oes}/oesm24ma.zip`,
    EP_URL: `${u}/bls/emp/ind-occ-matrix/occupation.xlsx`,
    EXPOSURE_URL: `${u}/research/occ_level.csv`,
    ONET_URL: `${u}/onet/dl_files/database/db_29_2_text.zip`,
    CAREERONESTOP_BASE_URL: u,
    CAREERONESTOP_USER_ID: OFFLINE_CAREERONESTOP.userId,
    CAREERONESTOP_TOKEN: OFFLINE_CAREERONESTOP.token,
    // A local server needs no politeness; the real API keeps the default of 2 requests/s.
    CAREERONESTOP_RPS: '200',
    // The fixtures hold ~20 occupations, not BLS's ~830.
    MIN_DETAILED_OCCUPATIONS: '10',
  };
  return { server, env, close: () => server.close() };
}
