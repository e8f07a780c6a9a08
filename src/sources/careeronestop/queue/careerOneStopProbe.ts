/**
 * Queue-side helper around the CareerOneStop unit (sources/careeronestop): a side-effect-free dry
 * run of one unit — it answers from the stored responses or stops at the first request it would
 * make — so only occupations that need the API become child jobs. A nightly run mostly reuses
 * entries within CAREERONESTOP_MAX_AGE, and paced child jobs that make no request would only slow
 * it down. After the children ran, `collectCareerOneStop` (sources/careeronestop/collect.ts, shared
 * with the embedded mode) builds the fields.
 */
import { fetchCareerOneStopOccupation } from '../fetchOccupation.js';
import type { CareerOneStopDeps, UnitOutcome } from '../occupationUnit.js';

export type ProbeDeps = Omit<CareerOneStopDeps, 'http' | 'limiter' | 'signal'>;

class WouldRequest extends Error {
  constructor() {
    super('would make a request');
    this.name = 'WouldRequest';
  }
}

/** The unit's outcome when everything it needs is stored and current; null when it would call the API. */
export async function storedOutcome(deps: ProbeDeps, soc: string): Promise<UnitOutcome | null> {
  const controller = new AbortController();
  const refuse = async (): Promise<never> => {
    const err = new WouldRequest();
    controller.abort(err);
    throw err;
  };
  try {
    return await fetchCareerOneStopOccupation(
      { ...deps, http: { request: refuse }, limiter: { take: refuse }, signal: controller.signal },
      { soc, force: false },
    );
  } catch (err) {
    if (err instanceof WouldRequest || controller.signal.reason instanceof WouldRequest) return null;
    throw err;
  }
}
