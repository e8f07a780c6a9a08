/**
 * careeronestop-occupation: one occupation's CareerOneStop calls (details, certifications, training
 * per location), paced per request by the fleet-wide pacer. A 429 is not a failure of this job: it
 * surfaces as UpstreamRateLimitError, and the processor puts the whole queue in rate-limit mode and
 * returns the job to wait without spending an attempt. Credentials refused (401/403) stop the source
 * for the whole run once: the other units see the flag and do not call the API.
 */
import { UnrecoverableError } from 'bullmq';
import { secretValues } from '../src/config.js';
import { AuthError, HttpError, UpstreamRateLimitError } from '../src/errors.js';
import type { RequestInit } from '../src/http/httpClient.js';
import { scrub } from '../src/log.js';
import { OccupationPayload, parsePayload } from '../src/queue/handOver/payloads.js';
import type { JobHandler } from '../src/queue/worker/jobDeps.js';
import { fetchCareerOneStopOccupation } from '../src/sources/careeronestop/fetchOccupation.js';
import type { UnitOutcome } from '../src/sources/careeronestop/occupationUnit.js';

/** Pause used when a 429 carries no Retry-After. */
export const DEFAULT_RATE_LIMIT_PAUSE_MS = 10_000;

export const careerOneStopOccupationJob: JobHandler<UnitOutcome> = async (deps, job, io) => {
  const p = parsePayload(OccupationPayload, job.data, job.name);
  const stopKey = deps.keys.careerOneStopStopped(p.runId);
  const stopped = await deps.redis.get(stopKey);
  if (stopped) throw new UnrecoverableError(`not attempted: ${stopped}`);

  const controller = new AbortController();
  const onAbort = () => controller.abort(io.signal.reason);
  io.signal.addEventListener('abort', onAbort, { once: true });
  const rateLimited = (err: HttpError) => {
    const limited = new UpstreamRateLimitError(
      'CareerOneStop answered 429 Too Many Requests',
      err.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS,
    );
    // The unit rethrows its signal's reason, so the 429 reaches the processor as itself.
    controller.abort(limited);
    return limited;
  };
  const http = {
    request: async (url: string, init?: RequestInit) => {
      try {
        // A 429 is not waited out in-process: the whole queue pauses instead.
        return await deps.base.http.request(url, {
          ...init,
          onRetry: (failure) => {
            if (failure.status === 429) throw rateLimited(failure);
          },
        });
      } catch (err) {
        if (err instanceof HttpError && err.status === 429) throw rateLimited(err);
        throw err;
      }
    },
  };
  try {
    const outcome = await fetchCareerOneStopOccupation(
      {
        http,
        store: deps.careerOneStopStore,
        limiter: deps.pacer,
        config: deps.config,
        log: deps.log,
        signal: controller.signal,
      },
      { soc: p.soc, force: p.force, runId: p.runId },
    );
    await deps.runs.careerOneStopCounted(p.runId, 'done');
    return outcome;
  } catch (err) {
    if (err instanceof AuthError) {
      await deps.redis.set(stopKey, scrub(err.message, secretValues(deps.config)), 'EX', 7 * 86_400, 'NX');
    }
    throw err;
  } finally {
    io.signal.removeEventListener('abort', onAbort);
  }
};
