/**
 * The CareerOneStop endpoints one occupation needs, as a table of jobs: occupation details, the
 * certifications list, and the training list once per configured location. Each job knows the
 * parameters its stored copy is compared by and how to fetch it (one request, or pages of a list).
 */
import {
  type CareerOneStopEndpoint,
  type CareerOneStopRequest,
  certificationsRequest,
  MAX_CERTIFICATIONS,
  occupationRequest,
  onetCodeFor,
  PAGE_SIZE,
  trainingRequest,
} from './client.js';
import { dropCoordinates } from './parse.js';
import {
  CertificationResponseSchema,
  describeIssues,
  OccupationResponseSchema,
  TrainingResponseSchema,
} from './schemas.js';
import { checkBody, EndpointFailure, send, type Transport } from './transport.js';

/** What a fetch gives the store: the body (null when not found) and the secret-free request paths. */
export interface Fetched {
  status: 'ok' | 'not_found';
  body: unknown;
  requests: string[];
}

export interface EndpointJob {
  endpoint: CareerOneStopEndpoint;
  location?: string;
  /** What the request asks; a stored copy fetched with other parameters is not reused. */
  params: Record<string, string | number>;
  /** The reason recorded when CareerOneStop has no record for it. */
  notFoundReason: string;
  fetch: () => Promise<Fetched>;
}

async function fetchOccupationDetails(transport: Transport, soc: string): Promise<Fetched> {
  const req = occupationRequest(transport.deps.config.CAREERONESTOP_BASE_URL, transport.credentials, soc);
  const label = `occupation ${onetCodeFor(soc)}`;
  const res = await send(transport, req);
  if (res.status === 404) return { status: 'not_found', body: null, requests: [req.publicPath] };
  checkBody(transport, res.json, label);
  const detail = (res.json as Record<string, unknown>).OccupationDetail;
  if (Array.isArray(detail) && detail.length === 0) {
    return { status: 'not_found', body: null, requests: [req.publicPath] };
  }
  const parsed = OccupationResponseSchema.safeParse(res.json);
  if (!parsed.success) {
    throw new EndpointFailure(
      `${label}: response does not match the contract: ${describeIssues(parsed.error)}`,
      false,
    );
  }
  return { status: 'ok', body: dropCoordinates(res.json), requests: [req.publicPath] };
}

/**
 * Page through a list endpoint with the path parameters until `want` items or RecordCount, whichever
 * comes first. The stored body is the first page with the list replaced by every item fetched.
 */
async function fetchList(
  transport: Transport,
  opts: {
    label: string;
    listField: 'CertList' | 'SchoolPrograms';
    schema: typeof CertificationResponseSchema | typeof TrainingResponseSchema;
    want: number;
    request: (start: number, limit: number) => CareerOneStopRequest;
  },
): Promise<Fetched> {
  const items: unknown[] = [];
  const paths: string[] = [];
  let first: Record<string, unknown> | undefined;
  let total = 0;
  for (let start = 0; ; ) {
    const limit = Math.max(1, Math.min(PAGE_SIZE, opts.want - items.length));
    const req = opts.request(start, limit);
    paths.push(req.publicPath);
    const res = await send(transport, req);
    if (res.status === 404) {
      if (start === 0) return { status: 'not_found', body: null, requests: paths };
      throw new EndpointFailure(`${opts.label}: page at ${start} answered 404 after earlier pages`, false);
    }
    checkBody(transport, res.json, opts.label);
    const parsed = opts.schema.safeParse(res.json);
    if (!parsed.success) {
      throw new EndpointFailure(
        `${opts.label}: response does not match the contract: ${describeIssues(parsed.error)}`,
        false,
      );
    }
    const page = res.json as Record<string, unknown>;
    first ??= page;
    total = parsed.data.RecordCount;
    const pageItems = Array.isArray(page[opts.listField]) ? (page[opts.listField] as unknown[]) : [];
    items.push(...pageItems);
    start += pageItems.length;
    if (pageItems.length === 0 || items.length >= total || items.length >= opts.want) break;
  }
  const body = { ...first, [opts.listField]: items.slice(0, opts.want), RecordCount: total };
  return { status: 'ok', body: dropCoordinates(body), requests: paths };
}

/** The details job, asked first, and the list jobs that follow it (certifications, training per location). */
export function endpointJobsFor(
  transport: Transport,
  soc: string,
): { details: EndpointJob; lists: EndpointJob[] } {
  const { config } = transport.deps;
  const { credentials } = transport;
  const base = config.CAREERONESTOP_BASE_URL;
  const onetCode = onetCodeFor(soc);
  const noRecord = (what: string) => `CareerOneStop has no ${what} record for ${onetCode} (404)`;
  const details: EndpointJob = {
    endpoint: 'occupation',
    params: occupationRequest(base, credentials, soc).params,
    notFoundReason: noRecord('occupation'),
    fetch: () => fetchOccupationDetails(transport, soc),
  };
  const certs: EndpointJob = {
    endpoint: 'certifications',
    params: { keyword: onetCode, directFlag: 'D', pageSize: PAGE_SIZE, max: MAX_CERTIFICATIONS },
    notFoundReason: noRecord('certifications'),
    fetch: () =>
      fetchList(transport, {
        label: `certifications ${onetCode}`,
        listField: 'CertList',
        schema: CertificationResponseSchema,
        want: MAX_CERTIFICATIONS,
        request: (start, limit) => certificationsRequest(base, credentials, soc, start, limit),
      }),
  };
  const want = config.TRAINING_PROGRAMS_PER_LOCATION;
  const training = config.TRAINING_LOCATIONS.map(
    (location): EndpointJob => ({
      endpoint: 'training',
      location,
      params: { keyword: onetCode, location, pageSize: PAGE_SIZE, programs: want },
      notFoundReason: noRecord(`training programs (${location})`),
      fetch: () =>
        fetchList(transport, {
          label: `training ${onetCode} ${location}`,
          listField: 'SchoolPrograms',
          schema: TrainingResponseSchema,
          want,
          request: (start, limit) => trainingRequest(base, credentials, soc, location, start, limit),
        }),
    }),
  );
  return { details, lists: [certs, ...training] };
}
