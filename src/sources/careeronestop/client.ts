/**
 * CareerOneStop request building: the one place that knows the endpoint paths, the positional
 * filters and the detail switches. The userId goes in the path (encoded), the token in a header;
 * `publicPath` is the same request with the userId replaced, the only form that is ever stored.
 */
import { SOC_PATTERN } from '../../model/occupation.js';

export const CAREERONESTOP_ENDPOINTS = ['occupation', 'certifications', 'training'] as const;
export type CareerOneStopEndpoint = (typeof CAREERONESTOP_ENDPOINTS)[number];

/** Page size for the list endpoints (the API's default page is 10). */
export const PAGE_SIZE = 10;
/** Upper bound on certifications kept per occupation (a guard against a runaway RecordCount). */
export const MAX_CERTIFICATIONS = 100;

/**
 * Switches for occupation details. Without `alternateOnetTitles`/`relatedOnetTitles`/`training` the
 * fields come back empty, so the set is part of what a stored response was fetched with.
 */
export const OCCUPATION_SWITCHES = {
  training: 'true',
  alternateOnetTitles: 'true',
  relatedOnetTitles: 'true',
  enableMetaData: 'true',
  projectedEmployment: 'false',
  wages: 'false',
  tasks: 'false',
  skills: 'false',
  // The career video URL (`COSVideoURL`) comes back only when videos are requested.
  videos: 'true',
} as const;

export interface CareerOneStopCredentials {
  userId: string;
  token: string;
}

/** A request ready to send plus its secret-free description for storage and logs. */
export interface CareerOneStopRequest {
  endpoint: CareerOneStopEndpoint;
  url: string;
  /** Path and query with the userId replaced by `{userId}`. */
  publicPath: string;
  /** Request parameters (never the credentials). */
  params: Record<string, string | number>;
}

/** `29-2072` → `29-2072.00` (the base O*NET-SOC occupation; the bare SOC 404s upstream). */
export function onetCodeFor(soc: string): string {
  if (!SOC_PATTERN.test(soc)) throw new TypeError(`expected a SOC code NN-NNNN, got "${soc}"`);
  return `${soc}.00`;
}

const USER_ID_PLACEHOLDER = '{userId}';

function build(
  baseUrl: string,
  endpoint: CareerOneStopEndpoint,
  credentials: CareerOneStopCredentials,
  segments: (string | number)[],
  params: Record<string, string | number>,
  query: Record<string, string> = {},
): CareerOneStopRequest {
  const [resource, ...rest] = segments;
  const tail = rest.map((s) => encodeURIComponent(String(s))).join('/');
  const qs = new URLSearchParams(query).toString();
  const suffix = `/${tail}${qs ? `?${qs}` : ''}`;
  const base = baseUrl.replace(/\/+$/, '');
  return {
    endpoint,
    url: `${base}/${resource}/${encodeURIComponent(credentials.userId)}${suffix}`,
    publicPath: `/${resource}/${USER_ID_PLACEHOLDER}${suffix}`,
    params,
  };
}

export function occupationRequest(
  baseUrl: string,
  credentials: CareerOneStopCredentials,
  soc: string,
  location = 'US',
): CareerOneStopRequest {
  const onetCode = onetCodeFor(soc);
  return build(
    baseUrl,
    'occupation',
    credentials,
    ['v1/occupation', onetCode, location],
    { onetCode, location, ...OCCUPATION_SWITCHES },
    { ...OCCUPATION_SWITCHES },
  );
}

export function certificationsRequest(
  baseUrl: string,
  credentials: CareerOneStopCredentials,
  soc: string,
  startRecord: number,
  limitRecord = PAGE_SIZE,
): CareerOneStopRequest {
  const onetCode = onetCodeFor(soc);
  // keyword / directFlag / industry / certType / organization / occupation / agency / sort… / paging
  return build(
    baseUrl,
    'certifications',
    credentials,
    ['v1/certificationfinder', onetCode, 'D', 0, 0, 0, 0, 0, 0, 0, startRecord, limitRecord],
    { keyword: onetCode, directFlag: 'D', startRecord, limitRecord },
  );
}

export function trainingRequest(
  baseUrl: string,
  credentials: CareerOneStopCredentials,
  soc: string,
  location: string,
  startRecord: number,
  limitRecord = PAGE_SIZE,
): CareerOneStopRequest {
  const onetCode = onetCodeFor(soc);
  // keyword / location / radius / programLength / school / programName / programFormat /
  // occupation / sortColumns / sortDirection / startRecord / limitRecord
  return build(
    baseUrl,
    'training',
    credentials,
    ['v1/training', onetCode, location, 0, 0, 0, 0, 0, 0, 0, 0, startRecord, limitRecord],
    { keyword: onetCode, location, startRecord, limitRecord },
  );
}

export function authHeaders(credentials: CareerOneStopCredentials): Record<string, string> {
  return { authorization: `Bearer ${credentials.token}`, accept: 'application/json' };
}
