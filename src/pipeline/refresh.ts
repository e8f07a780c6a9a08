/**
 * One whole refresh, in-process: fetch → read/validate → checks → CareerOneStop → build/score →
 * gates/publish. Returns a summary; never touches `latest` unless the publish itself succeeds.
 */
import { errorMessage } from '../errors.js';
import { qualityReportFrom } from '../gates/quality.js';
import { QualityReport } from '../model/qualityReport.js';
import { runCareerOneStop } from '../sources/careeronestop/runCareerOneStop.js';
import { RejectCollector } from '../validate/rejects.js';
import { rememberInputs, unchangedSnapshot } from './noChange.js';
import { type RunContext, USER_AGENT_PRODUCT } from './runContext.js';
import {
  type ArtifactsBySource,
  buildCandidate,
  type CareerOneStopInput,
  careerOneStopComplete,
  careerOneStopSocs,
  checkSources,
  fetchSource,
  publishCandidate,
  type ReadOutput,
  type RefreshProgressListener,
  readSources,
  selectedFileSources,
} from './stages.js';
import {
  failedOutcome,
  type RefreshSummary,
  type RunTrigger,
  refreshSummary,
  type StageName,
} from './summary.js';

export interface RefreshOptions {
  runId: string;
  trigger: RunTrigger;
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
  const artifacts: ArtifactsBySource = {};
  let current: string = 'fetch';
  const timed = async <T>(stage: StageName, fn: () => Promise<T> | T): Promise<T> => {
    current = stage;
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
  });
  let read: ReadOutput | undefined;
  let quality: QualityReport | undefined;
  try {
    const fileSources = selectedFileSources(ctx.config.sources);
    await timed('fetch', async () => {
      const stale = await ctx.cache.cleanStaleTemp().catch(() => []);
      if (stale.length > 0) ctx.log.info({ removed: stale.length }, 'removed downloads left by killed runs');
      for (const id of fileSources) {
        current = `fetch:${id}`;
        artifacts[id] = await fetchSource(ctx, id, {
          force: opts.refetch ?? false,
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        });
      }
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
      const none = qualityReportFrom(new RejectCollector());
      return refreshSummary(
        runBase(),
        {
          status: 'unchanged',
          snapshotId: sameAs,
          previousId: null,
          occupations: latest?.counts.occupations ?? 0,
          rejectedRows: 0,
          downloadedBytes: 0,
        },
        none,
      );
    }
    const parsed = await timed('read', () => readSources(ctx, artifacts));
    read = parsed; // for the failure report
    await timed('checks', () => checkSources(ctx, parsed, latestState));

    let careeronestop: CareerOneStopInput | null = null;
    const socsForCareerOneStop = ctx.config.sources.includes('careeronestop')
      ? careerOneStopSocs(parsed.bundle)
      : [];
    if (ctx.config.sources.includes('careeronestop')) {
      careeronestop = await timed('careeronestop', () =>
        runCareerOneStop(
          { http: ctx.http, config: ctx.config, log: ctx.log, now: ctx.now },
          {
            socs: socsForCareerOneStop,
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
    }
    const careerOneStopIsComplete = careeronestop ? careerOneStopComplete(careeronestop) : true;

    const built = await timed('build', () =>
      buildCandidate(ctx, {
        read: parsed,
        careeronestop,
        artifacts,
        run: { id: opts.runId, trigger: opts.trigger },
      }),
    );
    quality = QualityReport.parse(built.candidate.quality);
    // The records hold what they need; free the parsed sources (~60 MB of OEWS estimates at full
    // size) and CareerOneStop fields before publishing serialises the records.
    const b = parsed.bundle;
    b.oews = b.ep = b.exposure = b.epoch = b.onet = null;
    careeronestop = null;
    const outcome = await timed('publish', () =>
      publishCandidate(ctx, built, { force: opts.force ?? false, notifier: ctx.notifier }),
    );
    if (outcome.status === 'published' || outcome.status === 'unchanged') {
      const run = {
        artifacts,
        careerOneStopSocs: socsForCareerOneStop,
        careerOneStopComplete: careerOneStopIsComplete,
      };
      await rememberInputs(noChange, run, outcome.snapshotId!).catch((err: unknown) =>
        ctx.log.warn({ err: errorMessage(err) }, 'could not record the inputs for the no-change check'),
      );
    }
    return refreshSummary(runBase(), outcome, quality);
  } catch (err) {
    ctx.log.error({ err: errorMessage(err) }, 'refresh failed');
    const latestId = await ctx.store.latestId().catch(() => null);
    const report = quality ?? qualityReportFrom(read?.rejects ?? new RejectCollector());
    return refreshSummary(
      runBase(),
      failedOutcome(current, errorMessage(err), latestId, {
        rejectedRows: read?.rejects.total() ?? 0,
        quality: report,
      }),
      report,
    );
  }
}
