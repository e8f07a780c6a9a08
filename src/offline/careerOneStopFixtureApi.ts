/**
 * A CareerOneStop-compatible API over the hand-written JSON in `fixtures/careeronestop/`, for
 * `--offline` runs and tests. It checks the Bearer token and the userId path segment like the real
 * API (401 otherwise), pages list endpoints by the `{startRecord}/{limitRecord}` path parameters,
 * answers 404 where no fixture exists, and injects faults on demand (401/403 for everything, 429
 * with Retry-After, 5xx, slow answers, a renamed field or an ErrorMessage for one occupation).
 *
 * Fixture layout: `<endpoint>/<onetCode>.json`, endpoint ∈ occupation | certifications | training;
 * list fixtures hold every item and are sliced per request.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { STATE_NAMES } from '../model/states.js';
import type { FixtureRoute } from './fixtureServer.js';

type Json = Record<string, unknown>;

/** Fault switches, mutable while the server runs. Counted faults apply to the next N requests. */
export class CareerOneStopFaults {
  /** 401 or 403 for every request while set. */
  authStatus: 401 | 403 | null = null;
  private rateLimited: { remaining: number; retryAfterSeconds: number } | null = null;
  private serverErrors: { remaining: number; status: number } | null = null;
  /** Added before every answer (a slow upstream). */
  delayMs = 0;
  /** `{ '29-2072': { from: 'AlternateTitles', to: 'AlternateTitleList' } }`: schema drift for one SOC. */
  readonly renamedFields = new Map<string, { from: string; to: string }>();
  /** `{ '29-2072': 'Invalid keyword' }`: a 200 answer carrying an ErrorMessage. */
  readonly errorMessages = new Map<string, string>();
  /** Requests answered (all outcomes), for tests that count calls. */
  requests = 0;

  unauthorized(status: 401 | 403 = 401): this {
    this.authStatus = status;
    return this;
  }
  rateLimit(times: number, retryAfterSeconds: number): this {
    this.rateLimited = { remaining: times, retryAfterSeconds };
    return this;
  }
  serverError(times: number, status = 500): this {
    this.serverErrors = { remaining: times, status };
    return this;
  }
  delay(ms: number): this {
    this.delayMs = ms;
    return this;
  }
  renameField(soc: string, from: string, to: string): this {
    this.renamedFields.set(soc, { from, to });
    return this;
  }
  errorMessage(soc: string, message: string): this {
    this.errorMessages.set(soc, message);
    return this;
  }
  reset(): this {
    this.authStatus = null;
    this.rateLimited = null;
    this.serverErrors = null;
    this.delayMs = 0;
    this.renamedFields.clear();
    this.errorMessages.clear();
    return this;
  }

  /** The transient fault for this request, if any (consumed). */
  takeTransient(): { status: number; headers: Record<string, string> } | undefined {
    if (this.rateLimited && this.rateLimited.remaining > 0) {
      this.rateLimited.remaining -= 1;
      return { status: 429, headers: { 'retry-after': String(this.rateLimited.retryAfterSeconds) } };
    }
    if (this.serverErrors && this.serverErrors.remaining > 0) {
      this.serverErrors.remaining -= 1;
      return { status: this.serverErrors.status, headers: {} };
    }
    return undefined;
  }
}

export interface CareerOneStopFixtureOptions {
  fixturesDir: string;
  userId: string;
  token: string;
  faults?: CareerOneStopFaults;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readFixture(dir: string, endpoint: string, onetCode: string): Promise<Json | undefined> {
  if (!/^\d{2}-\d{4}\.\d{2}$/.test(onetCode)) return undefined;
  try {
    return JSON.parse(await readFile(path.join(dir, endpoint, `${onetCode}.json`), 'utf8')) as Json;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

const notFound = (res: ServerResponse, what: string) =>
  sendJson(res, 404, { Message: `No record found for ${what}` });

function pageOf(all: unknown[], startText: string | undefined, limitText: string | undefined): unknown[] {
  const start = Math.max(0, Number(startText) || 0);
  const limit = Number(limitText) > 0 ? Number(limitText) : 10;
  return all.slice(start, start + limit);
}

export function careerOneStopRoutes(opts: CareerOneStopFixtureOptions): FixtureRoute[] {
  const faults = opts.faults ?? new CareerOneStopFaults();
  const dir = opts.fixturesDir;

  /** Shared front door: delay, credentials, transient faults. False when already answered. */
  async function admit(req: IncomingMessage, res: ServerResponse, userIdSegment: string | undefined) {
    faults.requests += 1;
    if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
    if (res.destroyed) return false;
    if (faults.authStatus !== null) {
      sendJson(res, faults.authStatus, { Message: 'Authorization has been denied for this request.' });
      return false;
    }
    if (req.headers.authorization !== `Bearer ${opts.token}` || userIdSegment !== opts.userId) {
      sendJson(res, 401, { Message: 'Authorization has been denied for this request.' });
      return false;
    }
    const transient = faults.takeTransient();
    if (transient) {
      sendJson(res, transient.status, { Message: `fixture fault ${transient.status}` }, transient.headers);
      return false;
    }
    return true;
  }

  const occupation: FixtureRoute = {
    method: 'GET',
    path: /^\/v1\/occupation\/([^/]+)\/([^/]+)\/([^/]+)\/?$/,
    async handler(req, res, match) {
      if (!(await admit(req, res, match?.[1]))) return;
      const onetCode = match?.[2] ?? '';
      const soc = onetCode.slice(0, 7);
      const body = await readFixture(dir, 'occupation', onetCode);
      if (!body) return notFound(res, onetCode);
      const message = faults.errorMessages.get(soc);
      if (message !== undefined) return sendJson(res, 200, { ...body, ErrorMessage: message });
      const query = new URL(req.url ?? '/', 'http://fixture').searchParams;
      const details = (Array.isArray(body.OccupationDetail) ? body.OccupationDetail : []).map((d: Json) => {
        const out = { ...d };
        // Switches gate fields as upstream does: no switch, no data.
        if (query.get('alternateOnetTitles') !== 'true') out.AlternateTitles = [];
        if (query.get('relatedOnetTitles') !== 'true') out.RelatedOnetTitles = {};
        if (query.get('training') !== 'true') delete out.EducationTraining;
        const rename = faults.renamedFields.get(soc);
        if (rename && rename.from in out) {
          out[rename.to] = out[rename.from];
          delete out[rename.from];
        }
        return out;
      });
      sendJson(res, 200, { ...body, OccupationDetail: details });
    },
  };

  const certifications: FixtureRoute = {
    method: 'GET',
    // userId / keyword / directFlag / industry / certType / organization / occupation / agency /
    // sortColumns / sortDirections / startRecord / limitRecord
    path: /^\/v1\/certificationfinder\/([^/]+)\/((?:[^/]+\/){10}[^/]+)\/?$/,
    async handler(req, res, match) {
      if (!(await admit(req, res, match?.[1]))) return;
      const parts = (match?.[2] ?? '').split('/');
      const onetCode = parts[0] ?? '';
      const body = await readFixture(dir, 'certifications', onetCode);
      if (!body) return notFound(res, onetCode);
      const message = faults.errorMessages.get(onetCode.slice(0, 7));
      if (message !== undefined) return sendJson(res, 200, { ...body, ErrorMessage: message });
      const all = Array.isArray(body.CertList) ? body.CertList : [];
      sendJson(res, 200, { ...body, CertList: pageOf(all, parts[9], parts[10]), RecordCount: all.length });
    },
  };

  const training: FixtureRoute = {
    method: 'GET',
    // userId / keyword / location / radius / programLength / school / programName / programFormat /
    // occupation / sortColumns / sortDirection / startRecord / limitRecord
    path: /^\/v1\/training\/([^/]+)\/((?:[^/]+\/){11}[^/]+)\/?$/,
    async handler(req, res, match) {
      if (!(await admit(req, res, match?.[1]))) return;
      const parts = (match?.[2] ?? '').split('/');
      const onetCode = parts[0] ?? '';
      const location = parts[1] ?? 'US';
      const body = await readFixture(dir, 'training', onetCode);
      if (!body) return notFound(res, onetCode);
      let all = (Array.isArray(body.SchoolPrograms) ? body.SchoolPrograms : []) as Json[];
      if (location !== 'US') {
        const name = STATE_NAMES[location];
        all = all.filter((p) => p.StateName === name || p.StateName === location);
      }
      sendJson(res, 200, {
        ...body,
        SchoolPrograms: pageOf(all, parts[10], parts[11]),
        RecordCount: all.length,
      });
    },
  };

  return [occupation, certifications, training];
}
