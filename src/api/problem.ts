/** RFC 9457 problem documents: every error of the API, never a stack trace. */
import {
  InvalidSnapshotIdError,
  NoLatestSnapshotError,
  SnapshotIntegrityError,
  SnapshotNotFoundError,
} from '../store/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
}

/** An error the API answers with a given status and a detail written for the caller. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'ProblemError';
  }
}

export const badRequest = (slug: string, detail: string) =>
  new ProblemError(400, slug, 'Bad request', detail);
export const notFound = (slug: string, detail: string) => new ProblemError(404, slug, 'Not found', detail);

const problemType = (slug: string) => `urn:careerdata:problem:${slug}`;

/** Map any thrown value to a problem; `internal` is true when it is our fault (log it). */
export function toProblem(err: unknown, instance: string): { problem: Problem; internal: boolean } {
  const make = (status: number, slug: string, title: string, detail: string, internal = false) => ({
    problem: { type: problemType(slug), title, status, detail, instance },
    internal,
  });
  if (err instanceof ProblemError) return make(err.status, err.slug, err.title, err.message);
  if (err instanceof InvalidSnapshotIdError)
    return make(400, 'invalid-snapshot-id', 'Bad request', err.message);
  if (err instanceof SnapshotNotFoundError) return make(404, 'snapshot-not-found', 'Not found', err.message);
  if (err instanceof NoLatestSnapshotError) return make(404, 'no-snapshot', 'Not found', err.message);
  if (err instanceof SnapshotIntegrityError) {
    return make(
      500,
      'snapshot-damaged',
      'Snapshot damaged',
      `snapshot ${err.id} does not match its manifest and is not served; run \`careerdata snapshots verify ${err.id}\``,
      true,
    );
  }
  // Fastify's own errors (bad URL encoding, unsupported media type, …) carry a 4xx statusCode.
  const status = (err as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return make(
      status,
      'bad-request',
      'Bad request',
      (err as Error).message || 'the request was not understood',
    );
  }
  return make(
    500,
    'internal',
    'Internal error',
    'the server could not answer this request; it has been logged',
    true,
  );
}
