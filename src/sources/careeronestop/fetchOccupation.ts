/**
 * Everything CareerOneStop holds for one occupation (see occupationUnit.ts for what goes in and
 * comes out): occupation details first, then the list endpoints. When the occupation has no record
 * the code-keyed searches are not asked (they would only repeat the 404); when a call finds the
 * upstream unreachable or overloaded the rest are not attempted and report what the store holds.
 * 401/403 and an over-long Retry-After throw (transport.ts), stopping the whole source.
 */
import { onetCodeFor } from './client.js';
import { runEndpoint, skipEndpoint } from './endpointRunner.js';
import { endpointJobsFor } from './endpoints.js';
import type { CareerOneStopDeps, CareerOneStopUnit, EndpointOutcome, UnitOutcome } from './occupationUnit.js';
import { transportFor } from './transport.js';

export async function fetchCareerOneStopOccupation(
  deps: CareerOneStopDeps,
  unit: CareerOneStopUnit,
): Promise<UnitOutcome> {
  const now = deps.now ?? (() => new Date());
  const transport = transportFor(deps);
  onetCodeFor(unit.soc); // validates the SOC before any request
  const force = unit.force === true;
  const { details, lists } = endpointJobsFor(transport, unit.soc);

  const endpoints: EndpointOutcome[] = [];
  const first = await runEndpoint(transport, unit.soc, details, force, now);
  endpoints.push(first.outcome);

  const occupationMissing = first.outcome.status === 'not_found';
  let transient = first.transient;
  let transientReason = first.outcome.reason;
  for (const job of lists) {
    if (occupationMissing) {
      const reason = `no CareerOneStop occupation record for ${unit.soc}`;
      endpoints.push(await skipEndpoint(transport, unit.soc, job, 'not_found', reason, now()));
    } else if (transient) {
      const reason = `not attempted after: ${transientReason}`;
      endpoints.push(await skipEndpoint(transport, unit.soc, job, 'unattempted', reason, now()));
    } else {
      const r = await runEndpoint(transport, unit.soc, job, force, now);
      endpoints.push(r.outcome);
      if (r.transient) {
        transient = true;
        transientReason = r.outcome.reason;
      }
    }
  }
  deps.log.debug(
    {
      source: 'careeronestop',
      soc: unit.soc,
      runId: unit.runId,
      requests: transport.requests,
      statuses: endpoints.map((e) => `${e.endpoint}${e.location ? `:${e.location}` : ''}=${e.status}`),
    },
    'CareerOneStop occupation done',
  );
  return {
    soc: unit.soc,
    ...(unit.runId ? { runId: unit.runId } : {}),
    endpoints,
    requests: transport.requests,
  };
}
