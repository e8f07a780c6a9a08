/**
 * One independent unit of CareerOneStop work: everything for one occupation (details,
 * certifications, training per configured location). What goes in is plain serialisable data
 * ({ soc, force, runId }) so a queue can run it as a child job; everything with state comes in the
 * deps. What comes out is one outcome per endpoint:
 * fresh (fetched now), reused (stored copy within CAREERONESTOP_MAX_AGE, no request), stale (fetch
 * failed, an older copy is kept), not_found (404 / empty answer: an ordinary, recorded outcome),
 * failed (fetch failed and nothing stored).
 */
import type { Config } from '../../config.js';
import type { HttpClient } from '../../http/httpClient.js';
import type { RateLimiter, Sleep } from '../../http/retryPolicy.js';
import type { Logger } from '../../log.js';
import type { CareerOneStopEndpoint } from './client.js';
import type { ResponseStore } from './responseStore.js';

export type CareerOneStopConfig = Pick<
  Config,
  | 'CAREERONESTOP_BASE_URL'
  | 'CAREERONESTOP_USER_ID'
  | 'CAREERONESTOP_TOKEN'
  | 'CAREERONESTOP_MAX_AGE'
  | 'TRAINING_LOCATIONS'
  | 'TRAINING_PROGRAMS_PER_LOCATION'
  | 'HTTP_MAX_ATTEMPTS'
  | 'HTTP_RETRY_BASE_DELAY'
  | 'HTTP_RETRY_MAX_DELAY'
>;

export interface CareerOneStopDeps {
  http: Pick<HttpClient, 'request'>;
  store: ResponseStore;
  limiter: RateLimiter;
  config: CareerOneStopConfig;
  log: Logger;
  now?: () => Date;
  /** Backoff sleeps (injectable so tests need not wait). */
  sleep?: Sleep;
  random?: () => number;
  /** Aborted when the run stops the source (e.g. another unit hit 401). */
  signal?: AbortSignal;
}

/** The serialisable unit of work (a BullMQ child job's data). */
export interface CareerOneStopUnit {
  soc: string;
  force?: boolean;
  runId?: string;
}

export type EndpointStatus = 'fresh' | 'reused' | 'stale' | 'not_found' | 'failed';

export interface EndpointOutcome {
  endpoint: CareerOneStopEndpoint;
  /** Training only. */
  location?: string;
  status: EndpointStatus;
  /** When the data now stored for this endpoint was fetched (null when nothing is stored). */
  fetchedAt: string | null;
  /** Why it is not fresh: the failure, the 404, … (never contains credentials). */
  reason?: string;
  /** HTTP attempts made, retries included. */
  requests: number;
}

export interface UnitOutcome {
  soc: string;
  runId?: string;
  endpoints: EndpointOutcome[];
  requests: number;
}
