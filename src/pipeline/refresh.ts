/**
 * One whole refresh, in-process: fetch → read/validate → checks → CareerOneStop → build/score →
 * gates/publish. Returns a summary; never touches `latest` unless the publish itself succeeds.
 */
import { errorMessage } from '../errors.js';
import { gateConfigFrom } from '../gates/report.js';
import { artifactRecord } from '../http/fetchArtifact.js';
import type { CareerOneStopFields } from '../model/buildRecords.js';
import type { RawArtifact } from '../sources/artifact.js';
import { runCareerOneStop } from '../sources/careeronestop/runCareerOneStop.js';
import type { FileSourceId } from '../sources/registry.js';
import { RejectCollector } from '../validate/rejects.js';
import { rememberInputs, unchangedSnapshot } from './noChange.js';
import { checkExpectedCounts, checkRejectionThresholds } from './qualityChecks.js';
import { type RunContext, USER_AGENT_PRODUCT } from './runContext.js';
import {
  type ArtifactsBySource,
  buildRecords,
  careerOneStopSocs,
  fetchSource,
  type RefreshProgressListener,
  readSources,
  selectedFileSources,
} from './stages.js';
import type { QualityReport, RefreshSummary, StageName } from './summary.js';
import { composeQuality, failedSummary, publishedSummary } from './summary.js';

export interface RefreshOptions {
  runId: string;
  trigger: 'manual' | 'schedule' | 'catch-up' | 'cli' | 'rescore';
  force?: boolean;
  /** Re-fetch CareerOneStop entries even when fresh (`--force`). */
  refetch?: boolean;
  onStage?: (stage: StageName, state: 'start' | 'end') => void;
  /** Downloads and CareerOneStop occupations as they progress (the CLI's progress bar). */
  onProgress?: RefreshProgressListener;
}

export async function runRefresh(outer: RunContext, opts: RefreshOptions): Promise<RefreshSummary> {
  // Every log line of the run carries its id (the queue's stages log theirs the same way).
  const ctx: RunContext = { ...outer, log: outer.log.child({ runId: opts.runId }) };
  const startedAt = ctx.now();
  const stages: Partial<Record<StageName, number>> = {};
  const rejects = new RejectCollector();
  const artifacts: ArtifactsBySource = {};
  const timed = async <T>(stage: StageName, fn: () => Promise<T> | T): Promise<T> => {
    opts.onStage?.(stage, 'start');
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      stages[stage] = Math.round(performance.now() - t0);
      opts.onStage?.(stage, 'end');
    }
  };
  const runBase = () => ({
    runId: opts.runId,
    trigger: opts.trigger,
    sources: ctx.config.sources,
    startedAt: startedAt.toISOString(),
    finishedAt: ctx.now().toISOString(),
    stages,
    rejectedRows: rejects.total(),
  });
  let quality: QualityReport | undefined;
  try {
    const fileSources = selectedFileSources(ctx.config.sources);
    await timed('fetch', async () => {
      const stale = await ctx.cache.cleanStaleTemp().catch(() => []);
      if (stale.length > 0) ctx.log.info({ removed: stale.length }, 'removed downloads left by killed runs');
      for (const id of fileSources)
        artifacts[id] = await fetchSource(ctx, id, {
          force: opts.refetch ?? false,
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        });
    });
    const noChange = {
      config: ctx.config,
      codeVersion: USER_AGENT_PRODUCT,
      latestId: () => ctx.store.latestId(),
      now: ctx.now,
    };
    // Latest is checked (sha256 of its files) before anything relies on it: a damaged latest is never
    // "unchanged"; the run builds and publishes a replacement, compared with the newest intact one.
    const { latestState, sameAs } = await timed('noChange', async () => {
      const latestState = await ctx.store.latestState();
      // Nothing changed upstream since the latest snapshot: skip parsing, building and publishing.
      const skip = !opts.force && !opts.refetch && !latestState.damaged;
      return { latestState, sameAs: skip ? await unchangedSnapshot(noChange, artifacts) : null };
    });
    if (latestState.damaged) {
      ctx.log.warn(
        { damaged: latestState.damaged.id, intact: latestState.intactId },
        'latest snapshot is damaged: building a replacement',
      );
    }
    if (sameAs) {
      ctx.log.info({ snapshotId: sameAs }, 'inputs identical to those of latest: no new snapshot');
      const latest = await ctx.store.latestManifest();
      return publishedSummary(
        runBase(),
        { status: 'unchanged', snapshotId: sameAs },
        {
          occupations: latest?.counts.occupations ?? 0,
          downloadedBytes: 0,
          quality: composeQuality(rejects),
        },
      );
    }
    const bundle = await timed('read', () => readSources(ctx, artifacts, rejects));
    const previous = await ctx.store.baselineManifest(latestState);
    await timed('checks', () => {
      checkRejectionThresholds(rejects, ctx.config);
      if (bundle.oews) {
        checkExpectedCounts(bundle.oews, {
          minDetailed: ctx.config.MIN_DETAILED_OCCUPATIONS,
          previousCount: previous?.counts?.withNationalWages ?? null,
        });
      }
    });

    let c1s: Map<string, CareerOneStopFields> | null = null;
    let c1sReport: unknown;
    let c1sComplete = true;
    const c1sSocs = ctx.config.sources.includes('careeronestop') ? careerOneStopSocs(bundle) : [];
    if (ctx.config.sources.includes('careeronestop')) {
      const result = await timed('careeronestop', () =>
        runCareerOneStop(
          { http: ctx.http, config: ctx.config, log: ctx.log, now: ctx.now },
          {
            socs: c1sSocs,
            force: opts.refetch ?? false,
            runId: opts.runId,
            ...(opts.onProgress
              ? {
                  onUnit: (done: number, total: number) =>
                    opts.onProgress?.('careeronestop', done, total, 'occupations'),
                }
              : {}),
          },
        ),
      );
      c1s = new Map(
        Object.entries(result.fields).map(([soc, f]) => [soc, { ...f, missing: result.missing[soc] ?? {} }]),
      );
      c1sReport = result.quality;
      const q = result.quality;
      c1sComplete = !q.stopped && q.records.failed === 0 && q.records.stale === 0;
    }

    const built = await timed('build', () => buildRecords(ctx, bundle, c1s));
    // The records hold what they need; free the parsed sources (~60 MB of OEWS estimates at full
    // size) and CareerOneStop fields before publishing serialises the records.
    bundle.oews = bundle.ep = bundle.exposure = bundle.epoch = bundle.onet = null;
    c1s = null;
    quality = composeQuality(rejects, built.report, c1sReport);
    const sourceRecords = Object.fromEntries(
      (Object.entries(artifacts) as [FileSourceId, RawArtifact[]][]).map(([id, list]) => [
        id,
        list.map((a) => artifactRecord(a, a.notModified ? 0 : a.bytes)),
      ]),
    );
    const outcome = await timed('publish', () =>
      ctx.store.publish(
        {
          records: built.records,
          sources: sourceRecords,
          quality: quality as QualityReport,
          methodology: ctx.config.METHODOLOGY_VERSION,
          run: { id: opts.runId, trigger: opts.trigger },
        },
        { gates: gateConfigFrom(ctx.config), force: opts.force ?? false, notifier: ctx.notifier },
      ),
    );
    if (outcome.status === 'published' || outcome.status === 'unchanged') {
      const run = { artifacts, careerOneStopSocs: c1sSocs, careerOneStopComplete: c1sComplete };
      await rememberInputs(noChange, run, outcome.snapshotId).catch((err: unknown) =>
        ctx.log.warn({ err: errorMessage(err) }, 'could not record the inputs for the no-change check'),
      );
    }
    const downloadedBytes = Object.values(artifacts)
      .flat()
      .reduce((n, a) => n + (a?.notModified ? 0 : (a?.bytes ?? 0)), 0);
    return publishedSummary(runBase(), outcome, {
      occupations: built.records.length,
      downloadedBytes,
      quality,
    });
  } catch (err) {
    ctx.log.error({ err: errorMessage(err) }, 'refresh failed');
    const latestId = await ctx.store.latestId().catch(() => null);
    return failedSummary(runBase(), errorMessage(err), latestId, quality ?? composeQuality(rejects));
  }
}
