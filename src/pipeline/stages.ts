/**
 * The refresh stages, each a plain async function over a RunContext and serialisable inputs. The
 * embedded `careerdata refresh` (refresh.ts) calls them in order; the queue's job handlers (jobs/)
 * call the same ones and hand their results on through Redis and stage files:
 *
 *   fetchSource (per file source) → readSources → checkSources → [CareerOneStop] → buildCandidate
 *   → publishCandidate
 */
import type { SourceId } from '../config.js';
import { qualityReportFrom } from '../gates/quality.js';
import { gateConfigFrom } from '../gates/report.js';
import { artifactRecord, fetchArtifact } from '../http/fetchArtifact.js';
import { getEpochRule } from '../methodology/humanAdvantage/registry.js';
import { getMethodology } from '../methodology/registry.js';
import { type BuildReport, buildOccupationRecords, type CareerOneStopFields } from '../model/buildRecords.js';
import type { OccupationRecord } from '../model/occupation.js';
import { QualityReport } from '../model/qualityReport.js';
import type { EventSink } from '../notify/events.js';
import type { EpReadResult } from '../readers/epXlsxReader.js';
import type { OewsReadResult } from '../readers/oewsTypes.js';
import type { OnetReadResult } from '../readers/onet/onetTypes.js';
import type { ArtifactRecord, RawArtifact } from '../sources/artifact.js';
import type { CareerOneStopRunResult } from '../sources/careeronestop/collect.js';
import type { EpochData } from '../sources/epoch.js';
import type { ExposureData } from '../sources/exposure.js';
import { type FileSourceId, fileSource, isFileSource } from '../sources/registry.js';
import type { RunInfo } from '../store/manifest.js';
import type { CandidateSnapshot } from '../store/publishTransaction.js';
import type { LatestState } from '../store/snapshotReader.js';
import { RejectCollector } from '../validate/rejects.js';
import { publishSnapshot } from './publish/publishSnapshot.js';
import { checkExpectedCounts, checkRejectionThresholds } from './qualityChecks.js';
import type { RunContext } from './runContext.js';
import type { RunOutcome } from './summary.js';

export type ArtifactsBySource = Partial<Record<FileSourceId, RawArtifact[]>>;

/**
 * Progress of a long task inside a stage, for a display: a download (`bytes`, total from
 * Content-Length when declared) or the CareerOneStop occupations (`occupations`).
 */
export type RefreshProgressListener = (
  task: string,
  done: number,
  total: number | null,
  unit: 'bytes' | 'occupations',
) => void;

export interface SourceBundle {
  oews: OewsReadResult | null;
  ep: EpReadResult | null;
  exposure: ExposureData | null;
  epoch: EpochData | null;
  /** O*NET (8-digit codes); absent or null when the `onet` source is not part of the run. */
  onet?: OnetReadResult | null;
}

/** What reading hands on: the parsed sources, what was rejected, and the release each one names. */
export interface ReadOutput {
  bundle: SourceBundle;
  rejects: RejectCollector;
  /** e.g. `{ oews: "May 2024", ep: "2024-34" }`, from the data itself; recorded in the manifest. */
  releases: Partial<Record<FileSourceId, string>>;
}

/** CareerOneStop's part of a build: fields and `missing` reasons per SOC, and its quality counts. */
export type CareerOneStopInput = Pick<CareerOneStopRunResult, 'fields' | 'missing' | 'quality'>;

/** Fetch (or confirm unchanged) every file of one file source. */
export async function fetchSource(
  ctx: RunContext,
  source: FileSourceId,
  opts: { force?: boolean; onProgress?: RefreshProgressListener } = {},
): Promise<RawArtifact[]> {
  const adapter = fileSource(source);
  const out: RawArtifact[] = [];
  for (const file of adapter.files(ctx.config)) {
    const onProgress = opts.onProgress;
    const task = `${source} ${file.name}`;
    const artifact = await fetchArtifact(
      { http: ctx.http, cache: ctx.cache, log: ctx.log, now: ctx.now },
      {
        source,
        name: file.name,
        url: file.url,
        expect: file.expect,
        force: opts.force ?? false,
        ...(onProgress
          ? {
              onBytes: (n: number, total: number | undefined) => onProgress(task, n, total ?? null, 'bytes'),
            }
          : {}),
      },
    );
    if (file.license) artifact.license = file.license;
    if (file.attribution) artifact.attribution = file.attribution;
    out.push(artifact);
  }
  return out;
}

/** Parse and validate every fetched source. */
export async function readSources(ctx: RunContext, artifacts: ArtifactsBySource): Promise<ReadOutput> {
  const rejects = new RejectCollector();
  const bundle: SourceBundle = { oews: null, ep: null, exposure: null, epoch: null };
  const releases: ReadOutput['releases'] = {};
  for (const [id, files] of Object.entries(artifacts) as [FileSourceId, RawArtifact[]][]) {
    const adapter = fileSource(id);
    const t0 = Date.now();
    const data = await adapter.read(files, rejects, ctx.config);
    const release = adapter.release(data);
    if (release) releases[id] = release;
    (bundle as unknown as Record<string, unknown>)[id] = data;
    const c = rejects.counts.get(id);
    ctx.log.info(
      { source: id, ms: Date.now() - t0, release, read: c?.read, kept: c?.kept, rejected: c?.rejected },
      `read ${id}`,
    );
  }
  return { bundle, rejects, releases };
}

/** The run-level checks: rejected share per source, expected occupation counts (vs latest). */
export async function checkSources(
  ctx: RunContext,
  read: ReadOutput,
  latestState?: LatestState,
): Promise<void> {
  checkRejectionThresholds(read.rejects, ctx.config);
  if (read.bundle.oews) {
    // Compared with the newest intact snapshot: a damaged latest is no baseline.
    const previous = await ctx.store.baselineManifest(latestState);
    checkExpectedCounts(read.bundle.oews, {
      minDetailed: ctx.config.MIN_DETAILED_OCCUPATIONS,
      previousCount: previous?.counts?.withNationalWages ?? null,
    });
  }
}

/** The occupations the snapshot will hold: OEWS detailed (national) ∪ EP line items, sorted. */
export function careerOneStopSocs(bundle: SourceBundle): string[] {
  const socs = new Set<string>();
  const table = bundle.oews?.estimates;
  for (let i = 0; table && i < table.length; i++)
    if (table.group(i) === 'detailed' && table.areaType(i) === 'national') socs.add(table.soc(i));
  for (const r of bundle.ep?.rows ?? []) if (r.occupationType === 'Line item') socs.add(r.soc);
  return [...socs].sort();
}

/** True when every CareerOneStop record is current: the no-change shortcut may rely on them. */
export function careerOneStopComplete(input: CareerOneStopInput): boolean {
  const q = input.quality;
  return !q.stopped && q.records.failed === 0 && q.records.stale === 0;
}

export function selectedFileSources(sources: SourceId[]): FileSourceId[] {
  return sources.filter(isFileSource);
}

/** Join, derive and score. The store checks every record against the published schema when it publishes. */
export function buildRecords(
  ctx: RunContext,
  bundle: SourceBundle,
  careeronestop: Map<string, CareerOneStopFields> | null,
  opts: { methodologyVersion?: string; epochRuleVersion?: string } = {},
): { records: OccupationRecord[]; report: BuildReport } {
  const methodology = getMethodology(opts.methodologyVersion ?? ctx.config.METHODOLOGY_VERSION);
  return buildOccupationRecords({
    selected: ctx.config.sources,
    ...bundle,
    careeronestop,
    methodology,
    epochRule: getEpochRule(opts.epochRuleVersion),
  });
}

/** Bytes actually downloaded in this run (a 304 or an unchanged file:// costs none). */
export function downloadedBytes(artifacts: ArtifactsBySource): number {
  return Object.values(artifacts)
    .flat()
    .reduce((n, a) => n + (a.notModified ? 0 : a.bytes), 0);
}

/** What the manifest records per source file, with the release its reader found. */
export function sourceRecords(
  artifacts: ArtifactsBySource,
  releases: ReadOutput['releases'],
): Record<string, ArtifactRecord[]> {
  return Object.fromEntries(
    (Object.entries(artifacts) as [FileSourceId, RawArtifact[]][]).map(([id, list]) => [
      id,
      list.map((a) => {
        const release = releases[id] ?? a.release;
        return artifactRecord(release ? { ...a, release } : a, a.notModified ? 0 : a.bytes);
      }),
    ]),
  );
}

export interface BuiltCandidate {
  candidate: CandidateSnapshot;
  occupations: number;
  rejectedRows: number;
  downloadedBytes: number;
}

/** Build and score the records and assemble the candidate snapshot with its provenance and quality. */
export function buildCandidate(
  ctx: RunContext,
  input: {
    read: ReadOutput;
    careeronestop: CareerOneStopInput | null;
    artifacts: ArtifactsBySource;
    run: RunInfo;
  },
): BuiltCandidate {
  const { read, careeronestop } = input;
  const careerOneStopFields = careeronestop
    ? new Map(
        Object.entries(careeronestop.fields).map(([soc, f]): [string, CareerOneStopFields] => [
          soc,
          { ...f, missing: careeronestop.missing[soc] ?? {} },
        ]),
      )
    : null;
  const built = buildRecords(ctx, read.bundle, careerOneStopFields);
  return {
    candidate: {
      records: built.records,
      sources: sourceRecords(input.artifacts, read.releases),
      quality: qualityReportFrom(read.rejects, built.report, careeronestop?.quality),
      methodology: ctx.config.METHODOLOGY_VERSION,
      run: input.run,
    },
    occupations: built.records.length,
    rejectedRows: read.rejects.total(),
    downloadedBytes: downloadedBytes(input.artifacts),
  };
}

/**
 * Gates and the atomic switch (SnapshotStore.publish, under the publish lock) → the run's outcome.
 * A publish interrupted after its switch and run again finds its own snapshot as latest
 * ("unchanged", same run id) and reports it as published: one snapshot per run.
 */
export async function publishCandidate(
  ctx: RunContext,
  built: BuiltCandidate,
  opts: { force: boolean; notifier: EventSink },
): Promise<RunOutcome> {
  const { candidate } = built;
  const result = await publishSnapshot(ctx.store, candidate, {
    gates: gateConfigFrom(ctx.config),
    force: opts.force,
    notifier: opts.notifier,
    log: ctx.log,
  });
  const base = {
    occupations: built.occupations,
    rejectedRows: built.rejectedRows,
    downloadedBytes: built.downloadedBytes,
    quality: QualityReport.parse(candidate.quality),
  };
  if (result.status === 'published') {
    return {
      ...base,
      status: 'published',
      snapshotId: result.snapshotId,
      previousId: result.previousId,
      diffSummary: result.diffSummary,
      ...(result.replacedDamaged ? { replacedDamaged: result.replacedDamaged } : {}),
    };
  }
  if (result.status === 'unchanged') {
    const latest = await ctx.store.latestManifest();
    const ours = latest?.id === result.snapshotId && candidate.run && latest.run?.id === candidate.run.id;
    return ours
      ? {
          ...base,
          status: 'published',
          snapshotId: latest.id,
          previousId: latest.parent,
          diffSummary: latest.diffSummary,
        }
      : { ...base, status: 'unchanged', snapshotId: result.snapshotId, previousId: null };
  }
  return {
    ...base,
    status: 'blocked',
    snapshotId: result.previousId,
    previousId: null,
    gateReport: result.gateReport,
    gateFailures: result.failures,
    failedStage: 'publish',
  };
}
