/**
 * Embedded mode: run every occupation unit with a small concurrency and the shared limiter, stop the
 * whole source once on an AuthError or an over-long Retry-After (one log line, no further
 * requests), then turn what is stored into per-occupation snapshot fields and quality counts
 * (collect.ts, shared with the queue).
 */
import type { Config } from '../../config.js';
import { AuthError, errorMessage, UpstreamRateLimitError } from '../../errors.js';
import { scrub } from '../../log.js';
import { type CareerOneStopRunResult, collectCareerOneStop } from './collect.js';
import { fetchCareerOneStopOccupation } from './fetchOccupation.js';
import type { CareerOneStopDeps, UnitOutcome } from './occupationUnit.js';
import { TokenBucket } from './rateLimiter.js';
import { FileResponseStore } from './responseStore.js';

export interface CareerOneStopRunInput {
  socs: string[];
  force?: boolean;
  runId?: string;
  /** Units run at once (default CAREERONESTOP_CONCURRENCY, else 2). */
  concurrency?: number;
  /** Called after each occupation (done of total), for a progress display. */
  onUnit?: (done: number, total: number) => void;
}

export type CareerOneStopRunDeps = Omit<CareerOneStopDeps, 'store' | 'limiter' | 'config'> & {
  config: CareerOneStopDeps['config'] &
    Pick<Config, 'CACHE_DIR' | 'CAREERONESTOP_RPS'> &
    Partial<Pick<Config, 'CAREERONESTOP_CONCURRENCY'>>;
  /** Default: the file store under CACHE_DIR. */
  store?: CareerOneStopDeps['store'];
  /** Default: a token bucket at CAREERONESTOP_RPS shared by this run's units. */
  limiter?: CareerOneStopDeps['limiter'];
};

export async function runCareerOneStop(
  runDeps: CareerOneStopRunDeps,
  input: CareerOneStopRunInput,
): Promise<CareerOneStopRunResult> {
  const { config, log } = runDeps;
  const secretList = [config.CAREERONESTOP_USER_ID, config.CAREERONESTOP_TOKEN].filter(
    (s): s is string => !!s,
  );
  const store = runDeps.store ?? new FileResponseStore(config.CACHE_DIR, { secrets: secretList });
  const limiter = runDeps.limiter ?? new TokenBucket({ ratePerSecond: config.CAREERONESTOP_RPS });
  const deps: CareerOneStopDeps = { ...runDeps, store, limiter };
  const runId = input.runId ?? 'embedded';

  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(deps.signal?.reason);
  deps.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const unitDeps: CareerOneStopDeps = { ...deps, signal: controller.signal };

  const outcomes = new Map<string, UnitOutcome>();
  const unitErrors = new Map<string, string>();
  let stopped: string | undefined;
  let next = 0;
  let finished = 0;
  const concurrency = Math.max(1, input.concurrency ?? config.CAREERONESTOP_CONCURRENCY ?? 2);

  const worker = async () => {
    while (!controller.signal.aborted && next < input.socs.length) {
      const soc = input.socs[next++]!;
      try {
        outcomes.set(
          soc,
          await fetchCareerOneStopOccupation(unitDeps, {
            soc,
            force: input.force === true,
            runId,
          }),
        );
      } catch (err) {
        if (err instanceof AuthError || err instanceof UpstreamRateLimitError) {
          if (stopped === undefined) {
            stopped = scrub(err.message, secretList);
            log.error({ source: 'careeronestop', runId, soc }, stopped);
            controller.abort(err);
          }
        } else if (controller.signal.aborted) {
          // Cut short by the stop; accounted for below.
        } else {
          const message = scrub(errorMessage(err), secretList);
          unitErrors.set(soc, message);
          log.error({ source: 'careeronestop', runId, soc }, `CareerOneStop unit failed: ${message}`);
        }
      }
      input.onUnit?.(++finished, input.socs.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, input.socs.length) }, worker));
  } finally {
    deps.signal?.removeEventListener('abort', onOuterAbort);
  }
  if (stopped === undefined && deps.signal?.aborted) stopped = 'the run was cancelled';

  const result = await collectCareerOneStop(deps, {
    socs: input.socs,
    outcomes,
    failures: unitErrors,
    stopped,
  });
  const { quality } = result;
  log.info(
    { source: 'careeronestop', runId, ...quality },
    `CareerOneStop: ${input.socs.length} occupations, ${quality.requests} requests` +
      (stopped ? ' (source stopped)' : ''),
  );
  return result;
}
