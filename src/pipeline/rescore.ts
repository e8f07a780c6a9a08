/**
 * Re-score without refetching: rebuild a snapshot from the raw files an earlier snapshot recorded
 * (found in the cache by sha256), with the current or a chosen methodology. No network access.
 */
import { existsSync } from 'node:fs';
import type { Config } from '../config.js';
import { errorMessage, ValidationError } from '../errors.js';
import { qualityReportFrom } from '../gates/quality.js';
import type { CareerOneStopFields } from '../model/buildRecords.js';
import { ONET_PARTS } from '../model/onetParts.js';
import type { ArtifactRecord, RawArtifact } from '../sources/artifact.js';
import { type FileSourceId, isFileSource } from '../sources/registry.js';
import { RejectCollector } from '../validate/rejects.js';
import type { RunContext } from './runContext.js';
import {
  type ArtifactsBySource,
  buildRecords,
  publishCandidate,
  type ReadOutput,
  readSources,
} from './stages.js';
import { failedOutcome, type RefreshSummary, refreshSummary, type StageName } from './summary.js';

/** Parts of a record that the build recomputes (their `missing` reasons are recomputed too). */
const RECOMPUTED = new Set<string>([
  'wages',
  'projections',
  'careerProgression',
  'resilience',
  ...ONET_PARTS,
  'alternateTitles',
  'category',
  'resilience.humanAdvantage',
]);

export interface RescoreOptions {
  runId: string;
  from: string;
  methodology?: string;
  /** Human-advantage rule version applied where no manual rating exists (default: the current rule). */
  epochRule?: string;
  force?: boolean;
}

export async function runRescore(ctx: RunContext, opts: RescoreOptions): Promise<RefreshSummary> {
  const startedAt = ctx.now().toISOString();
  const stages: Partial<Record<StageName, number>> = {};
  let read: ReadOutput | undefined;
  let current = 'read';
  const methodology = opts.methodology ?? ctx.config.METHODOLOGY_VERSION;
  let sources: string[] = [];
  const runBase = () => ({
    runId: opts.runId,
    trigger: 'rescore' as const,
    sources,
    startedAt,
    finishedAt: ctx.now().toISOString(),
    stages,
  });
  try {
    const fromId = opts.from === 'latest' ? await ctx.store.latestId() : opts.from;
    if (!fromId) throw new ValidationError('rescore: there is no latest snapshot to derive from', 'rescore');
    const manifest = await ctx.store.manifest(fromId);
    const artifacts: ArtifactsBySource = {};
    const missing: string[] = [];
    for (const [source, files] of Object.entries(manifest.sources as Record<string, ArtifactRecord[]>)) {
      if (!isFileSource(source as never)) continue;
      artifacts[source as FileSourceId] = files.map((f): RawArtifact => {
        const p = ctx.cache.blobPath(f.sha256);
        if (!existsSync(p)) missing.push(`${source} ${f.name} (sha256 ${f.sha256}, from ${f.url})`);
        return { ...f, path: p, notModified: true };
      });
    }
    if (missing.length > 0) {
      throw new ValidationError(
        `rescore: raw file(s) recorded by snapshot ${fromId} are gone from the cache (${ctx.config.CACHE_DIR}): ${missing.join('; ')}. Run a refresh instead.`,
        'rescore',
      );
    }
    const fileSources = Object.keys(artifacts) as FileSourceId[];
    sources = fileSources;
    // Read with the layout the source snapshot was built from.
    const oewsNames = (artifacts.oews ?? []).map((a) => a.name);
    const config = {
      ...ctx.config,
      sources: [...fileSources] as Config['sources'],
      OEWS_FORMAT: oewsNames.includes('oe.data.0.Current') ? ('flatfiles' as const) : ('xlsx' as const),
      METHODOLOGY_VERSION: methodology,
    };
    const rctx: RunContext = { ...ctx, config };
    let t0 = performance.now();
    read = await readSources(rctx, artifacts);
    stages.read = Math.round(performance.now() - t0);

    // CareerOneStop is an API, not a file: carry the source snapshot's fields over unchanged.
    current = 'build';
    t0 = performance.now();
    const previous = await ctx.store.records(fromId);
    const hadCareerOneStop = previous.some(
      (r) => r.sourceStatus.careeronestop && r.sourceStatus.careeronestop.status !== 'skipped',
    );
    const careerOneStopFields = hadCareerOneStop
      ? new Map<string, CareerOneStopFields>(
          previous.map((r) => [
            r.soc,
            {
              alsoKnownAs: r.alsoKnownAs,
              relatedOccupations: r.relatedOccupations,
              brightOutlook: r.brightOutlook,
              educationProfile: r.educationProfile,
              training: r.training,
              video: r.video ?? null,
              sourceStatus: r.sourceStatus.careeronestop!,
              // Reasons for null CareerOneStop parts travel with them; the rest is recomputed.
              missing: Object.fromEntries(Object.entries(r.missing).filter(([k]) => !RECOMPUTED.has(k))),
            },
          ]),
        )
      : null;
    if (hadCareerOneStop) rctx.config.sources = [...rctx.config.sources, 'careeronestop'];
    const built = buildRecords(rctx, read.bundle, careerOneStopFields, {
      methodologyVersion: methodology,
      ...(opts.epochRule ? { epochRuleVersion: opts.epochRule } : {}),
    });
    stages.build = Math.round(performance.now() - t0);
    const quality = qualityReportFrom(read.rejects, built.report);
    current = 'publish';
    t0 = performance.now();
    const outcome = await publishCandidate(
      ctx,
      {
        candidate: {
          records: built.records,
          sources: manifest.sources,
          quality,
          methodology,
          derivedFrom: fromId,
          run: { id: opts.runId, trigger: 'rescore' },
        },
        occupations: built.records.length,
        rejectedRows: read.rejects.total(),
        downloadedBytes: 0,
      },
      { force: opts.force ?? false, notifier: ctx.notifier },
    );
    stages.publish = Math.round(performance.now() - t0);
    return refreshSummary(runBase(), outcome, quality);
  } catch (err) {
    const latestId = await ctx.store.latestId().catch(() => null);
    const quality = qualityReportFrom(read?.rejects ?? new RejectCollector());
    return refreshSummary(
      runBase(),
      failedOutcome(current, errorMessage(err), latestId, {
        rejectedRows: read?.rejects.total() ?? 0,
        quality,
      }),
      quality,
    );
  }
}
