/**
 * Metrics of the serving process itself (CPU, resident memory, heap, event-loop lag, GC, handles):
 * prom-client's default collectors, in a registry of their own. Unlike the fleet's figures these
 * are per process, which is what a client library is for; the fleet's stay hand-written (see
 * exposition.ts and docs/dependencies.md, "Metrics, two kinds").
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

function processRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}

export async function processMetricsText(): Promise<string> {
  return processRegistry().metrics();
}
