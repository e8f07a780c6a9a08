/**
 * The refresh stages, each a plain async function over a RunContext and serialisable inputs. The
 * in-process `careerdata refresh` calls them in order; the queue's job handlers call the same ones.
 */
import type { SourceId } from '../config.js';
import { fetchArtifact } from '../http/fetchArtifact.js';
import { getEpochRule } from '../methodology/humanAdvantage/registry.js';
import { getMethodology } from '../methodology/registry.js';
import { type BuildReport, buildOccupationRecords, type CareerOneStopFields } from '../model/buildRecords.js';
import type { OccupationRecord } from '../model/occupation.js';
import type { EpReadResult } from '../readers/epXlsxReader.js';
import type { OewsReadResult } from '../readers/oewsTypes.js';
import type { OnetReadResult } from '../readers/onet/onetTypes.js';
import type { RawArtifact } from '../sources/artifact.js';
import type { EpochData } from '../sources/epoch.js';
import type { ExposureData } from '../sources/exposure.js';
import { type FileSourceId, fileSource, isFileSource } from '../sources/registry.js';
import { RejectCollector } from '../validate/rejects.js';
import type { RunContext } from './runContext.js';

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

/** Parse and validate every fetched source; rejected rows go to `rejects`. */
export async function readSources(
  ctx: RunContext,
  artifacts: ArtifactsBySource,
  rejects: RejectCollector,
): Promise<SourceBundle> {
  const bundle: SourceBundle = { oews: null, ep: null, exposure: null, epoch: null };
  for (const [id, files] of Object.entries(artifacts) as [FileSourceId, RawArtifact[]][]) {
    const adapter = fileSource(id);
    const t0 = Date.now();
    const data = await adapter.read(files, rejects, ctx.config);
    const release = adapter.release(data);
    if (release) for (const f of files) f.release = release;
    (bundle as unknown as Record<string, unknown>)[id] = data;
    const c = rejects.counts.get(id);
    ctx.log.info(
      { source: id, ms: Date.now() - t0, release, read: c?.read, kept: c?.kept, rejected: c?.rejected },
      `read ${id}`,
    );
  }
  return bundle;
}

/**
 * Put each source's release on its artifacts from an already-read bundle: a queued build that took
 * the read stage's hand-over did not run readSources, which sets them (and the manifest's
 * `releases`, part of the content hash, comes from them).
 */
export function stampReleases(artifacts: ArtifactsBySource, bundle: SourceBundle): void {
  for (const [id, files] of Object.entries(artifacts) as [FileSourceId, RawArtifact[]][]) {
    const data = bundle[id];
    const release = data ? fileSource(id).release(data as never) : undefined;
    if (release) for (const f of files) f.release = release;
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
  const built = buildOccupationRecords({
    selected: ctx.config.sources,
    ...bundle,
    careeronestop,
    methodology,
    epochRule: getEpochRule(opts.epochRuleVersion),
  });
  return built;
}

export function newRejectCollector(): RejectCollector {
  return new RejectCollector();
}
