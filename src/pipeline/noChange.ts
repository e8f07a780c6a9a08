/**
 * The no-op night: when every upstream file is byte-identical to the inputs of the latest snapshot
 * (all 304s, same sha256), every CareerOneStop entry it used is unchanged on disk and still within
 * CAREERONESTOP_MAX_AGE, and the settings and code are the same, the content cannot differ — so the
 * refresh stops after the fetch instead of parsing ≈330 MB and rebuilding every record just to find
 * the content hash equal.
 *
 * After each run that publishes (or finds the content unchanged) the pipeline records a fingerprint of
 * those inputs in CACHE_DIR; the next run compares. Anything unexpected (no record, another latest,
 * a missing or changed entry, a stale entry) means "run normally". Secrets never enter the record:
 * the settings go in only as a hash, without the secret ones.
 */
import { createHash } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Config, SECRET_SETTINGS } from '../config.js';
import { canonicalJson } from '../model/canonicalJson.js';
import type { RawArtifact } from '../sources/artifact.js';
import { CAREERONESTOP_ENDPOINTS } from '../sources/careeronestop/client.js';
import { FileResponseStore } from '../sources/careeronestop/responseStore.js';
import { sha256 } from '../store/canonical.js';
import { replaceFileAtomic } from '../store/fsAtomic.js';
import type { ArtifactsBySource } from './stages.js';

const RECORD_FILE = 'last-refresh-inputs.json';
const FORMAT = 1;

export interface InputsRecord {
  format: number;
  /** The snapshot these inputs produced (published, or found identical to). */
  snapshotId: string;
  fingerprint: string;
  /** The occupations CareerOneStop was asked about (they follow from the file sources). */
  careerOneStopSocs: string[];
  /** Oldest fetch time among those CareerOneStop entries: when the first of them goes stale. */
  oldestCareerOneStopFetch: string | null;
}

/** Settings that cannot change the content are harmless here: a change only costs one full run. */
function settingsHash(config: Config, codeVersion: string): string {
  const skip = new Set<string>([...SECRET_SETTINGS, 'REDIS_URL', 'WEBHOOK_URLS']);
  const kept = Object.fromEntries(Object.entries(config).filter(([k]) => !skip.has(k)));
  return sha256(canonicalJson({ codeVersion, config: kept }));
}

function artifactList(artifacts: ArtifactsBySource): string[][] {
  return Object.entries(artifacts)
    .flatMap(([source, list]) => (list ?? []).map((a: RawArtifact) => [source, a.name, a.sha256]))
    .sort((a, b) => (a.join('\0') < b.join('\0') ? -1 : 1));
}

/**
 * sha256 over the identity of the stored CareerOneStop entries of `socs` (size, mtime, inode; an
 * absent entry counts as absent, e.g. the lists of an occupation CareerOneStop does not know) and,
 * when asked, their oldest fetch time (an unchanged file has an unchanged fetch time, so the check
 * itself never reads them); null when an entry is unreadable. A few dozen at a time: there are ~2,500.
 */
async function careerOneStopState(
  config: Config,
  socs: readonly string[],
  withFetchTimes: boolean,
): Promise<{ hash: string; oldestFetch: string | null } | null> {
  const store = new FileResponseStore(config.CACHE_DIR);
  const files: string[] = [];
  for (const soc of socs) {
    for (const endpoint of CAREERONESTOP_ENDPOINTS) {
      const locations = endpoint === 'training' ? config.TRAINING_LOCATIONS : [undefined];
      for (const location of locations) files.push(store.fileFor(endpoint, soc, location));
    }
  }
  const digests: (string | null)[] = new Array(files.length);
  let oldest: number | null = null;
  let unreadable = false;
  let next = 0;
  const worker = async () => {
    while (next < files.length && !unreadable) {
      const i = next++;
      try {
        // The store only ever replaces an entry by renaming a new file over it: a new inode and
        // mtime. Size, mtime and inode are enough to tell, at a tenth of the cost of reading.
        const st = await stat(files[i]!);
        digests[i] = `${st.size}:${st.mtimeMs}:${st.ino}`;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') unreadable = true;
        digests[i] = null;
        continue;
      }
      if (withFetchTimes) {
        try {
          const text = await readFile(files[i]!, 'utf8');
          const at = Date.parse(String((JSON.parse(text) as { fetchedAt?: unknown }).fetchedAt));
          if (Number.isNaN(at)) unreadable = true;
          else if (oldest === null || at < oldest) oldest = at;
        } catch {
          unreadable = true;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  if (unreadable) return null;
  const hash = createHash('sha256');
  files.forEach((file, i) => {
    hash
      .update(path.relative(store.root, file))
      .update('\0')
      .update(digests[i] ?? '-')
      .update('\n');
  });
  return { hash: hash.digest('hex'), oldestFetch: oldest === null ? null : new Date(oldest).toISOString() };
}

async function fingerprint(
  config: Config,
  codeVersion: string,
  artifacts: ArtifactsBySource,
  socs: readonly string[],
  withFetchTimes = false,
): Promise<{ fingerprint: string; oldestFetch: string | null } | null> {
  const careerOneStopInputs = config.sources.includes('careeronestop')
    ? await careerOneStopState(config, socs, withFetchTimes)
    : { hash: '', oldestFetch: null };
  if (!careerOneStopInputs) return null;
  const value = canonicalJson({
    format: FORMAT,
    settings: settingsHash(config, codeVersion),
    artifacts: artifactList(artifacts),
    careerOneStop: { socs, entries: careerOneStopInputs.hash },
  });
  return { fingerprint: sha256(value), oldestFetch: careerOneStopInputs.oldestFetch };
}

async function readRecord(cacheDir: string): Promise<InputsRecord | null> {
  try {
    const r = JSON.parse(await readFile(path.join(cacheDir, RECORD_FILE), 'utf8')) as InputsRecord;
    return r.format === FORMAT && typeof r.fingerprint === 'string' && Array.isArray(r.careerOneStopSocs)
      ? r
      : null;
  } catch {
    return null;
  }
}

export interface NoChangeDeps {
  config: Config;
  /** The code's version (a new release may build different records from the same inputs). */
  codeVersion: string;
  latestId: () => Promise<string | null>;
  now: () => Date;
}

/**
 * The latest snapshot's id when these fetched inputs are exactly the ones it was built from and no
 * CareerOneStop entry would be re-fetched; otherwise null (run normally).
 */
export async function unchangedSnapshot(
  deps: NoChangeDeps,
  artifacts: ArtifactsBySource,
): Promise<string | null> {
  try {
    return await sameInputsAs(deps, artifacts);
  } catch {
    // Whatever went wrong here, the normal path will meet it and report it properly.
    return null;
  }
}

async function sameInputsAs(deps: NoChangeDeps, artifacts: ArtifactsBySource): Promise<string | null> {
  const record = await readRecord(deps.config.CACHE_DIR);
  if (!record || record.snapshotId !== (await deps.latestId())) return null;
  if (record.oldestCareerOneStopFetch !== null) {
    const age = deps.now().getTime() - Date.parse(record.oldestCareerOneStopFetch);
    if (!(age >= 0 && age < deps.config.CAREERONESTOP_MAX_AGE)) return null;
  }
  const now = await fingerprint(deps.config, deps.codeVersion, artifacts, record.careerOneStopSocs);
  return now && now.fingerprint === record.fingerprint ? record.snapshotId : null;
}

/**
 * Remember the inputs of a run whose content is now `snapshotId`. Only a run whose CareerOneStop
 * stage completed (no failed, stale or stopped unit) is remembered: otherwise the next run must
 * retry those units, so any earlier record is removed.
 */
export async function rememberInputs(
  deps: Pick<NoChangeDeps, 'config' | 'codeVersion'>,
  run: { artifacts: ArtifactsBySource; careerOneStopSocs: readonly string[]; careerOneStopComplete: boolean },
  snapshotId: string,
): Promise<boolean> {
  const file = path.join(deps.config.CACHE_DIR, RECORD_FILE);
  const fp = run.careerOneStopComplete
    ? await fingerprint(deps.config, deps.codeVersion, run.artifacts, run.careerOneStopSocs, true)
    : null;
  if (!fp) {
    await rm(file, { force: true });
    return false;
  }
  const careerOneStopSocs = run.careerOneStopSocs;
  const record: InputsRecord = {
    format: FORMAT,
    snapshotId,
    fingerprint: fp.fingerprint,
    careerOneStopSocs: [...careerOneStopSocs],
    oldestCareerOneStopFetch: fp.oldestFetch,
  };
  await replaceFileAtomic(file, `${JSON.stringify(record)}\n`);
  return true;
}
