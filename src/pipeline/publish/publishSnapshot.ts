/**
 * The publish stage's decision: the store's transaction streams the candidate and the baseline
 * past the gates (only the facts each gate reads are kept), the gates decide, a failure blocks
 * unless forced (recorded in the manifest), and the change events go out after the switch.
 */
import { evaluateGates, type GateFacts, gateFacts } from '../../gates/evaluate.js';
import { describeFailures, type GateConfig } from '../../gates/report.js';
import { type Logger, silentLogger } from '../../log.js';
import type { EventSink } from '../../notify/events.js';
import { makeEvent } from '../../notify/events.js';
import type { CandidateSnapshot, PublishDecider, PublishResult } from '../../store/publishTransaction.js';
import type { Locked, SnapshotStore } from '../../store/snapshotStore.js';
import { announceRecovered, safeEmit } from './changeEvents.js';

export interface PublishOptions {
  gates: GateConfig;
  /** Publish even when a gate fails; recorded in the manifest (`forced`, `gates.forced`). */
  force?: boolean;
  /** Told after the pointer switch; never delays or fails the publish beyond its own bound. */
  notifier?: EventSink;
  log?: Logger;
  now?: () => Date;
}

export async function publishSnapshot(
  store: SnapshotStore,
  candidate: CandidateSnapshot,
  opts: PublishOptions,
): Promise<Locked<PublishResult>> {
  const log = opts.log ?? silentLogger;
  const now = opts.now ?? (() => new Date());
  const result = await store.publish(candidate, gateDecider(opts.gates, opts.force ?? false, log));
  if (!opts.notifier) return result;
  if (result.recoveredLatest) await announceRecovered(store, result.recoveredLatest, opts.notifier, log, now);
  if (result.status === 'published') {
    await safeEmit(
      opts.notifier,
      makeEvent(
        'snapshot.published',
        {
          snapshotId: result.snapshotId,
          previousId: result.previousId,
          counts: result.manifest.counts,
          diffSummary: result.diffSummary,
          forced: result.manifest.forced,
          ...(result.replacedDamaged ? { replacedDamaged: result.replacedDamaged } : {}),
          run: candidate.run ?? null,
        },
        now(),
      ),
      log,
    );
  }
  return result;
}

/** Keeps the few facts each gate reads of every record (a full snapshot is ~70 MB of objects). */
function gateDecider(config: GateConfig, force: boolean, log: Logger): PublishDecider {
  const candidateFacts: GateFacts[] = [];
  const baselineFacts: GateFacts[] = [];
  return {
    candidateRecord: (r) => void candidateFacts.push(gateFacts(r)),
    baselineRecord: (r) => void baselineFacts.push(gateFacts(r)),
    decide: ({ baselineId, quality }) => {
      const gates = evaluateGates({
        candidate: candidateFacts,
        quality,
        baseline: baselineId ? { id: baselineId, records: baselineFacts } : null,
        config,
      });
      const failures = describeFailures(gates);
      if (gates.passed) return { gates, block: false, failures };
      if (!force) {
        log.warn({ failures }, 'quality gates failed: publish blocked');
        return { gates, block: true, failures };
      }
      log.warn({ failures }, 'quality gates failed: publishing anyway (--force)');
      return { gates: { ...gates, forced: true }, block: false, failures };
    },
  };
}
