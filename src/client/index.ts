/**
 * A tiny typed read client for the careerdata API, over `fetch` (Node ≥ 20, browsers, Deno, Bun):
 *
 *   import { createClient } from 'careerdata/client';
 *   const api = createClient({ baseUrl: 'https://data.example.org' });
 *   const mrs = await api.getOccupation('29-2072');
 *   console.log(mrs?.resilience?.classification, mrs?.wages?.national?.annual.median);
 *
 * JSON answers are remembered with their ETag and revalidated with If-None-Match, so an unchanged
 * record costs a 304 and no parsing. Only types are imported from the rest of the package: the
 * client's JavaScript depends on nothing.
 */
import type { OccupationRecord } from '../model/occupation.js';
import type { JsonPatchOperation, SnapshotDiff } from '../store/diff.js';
import type { Manifest } from '../store/manifest.js';

export type {
  AreaWageBlock,
  OccupationRecord,
  ProgressionLevel,
  Projections,
  Resilience,
  WageBlock,
  WageFigures,
  Wages,
} from '../model/occupation.js';
export type {
  ChangedOccupation,
  DiffSummary,
  FieldChange,
  JsonPatchOperation,
  SnapshotDiff,
} from '../store/diff.js';
export type { Manifest } from '../store/manifest.js';

/** RFC 9457 problem document, as every error of the API is. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
}

export class CareerdataApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
    url: string,
  ) {
    super(`careerdata API ${status} for ${url}${problem ? `: ${problem.detail}` : ''}`);
    this.name = 'CareerdataApiError';
  }
}

export interface ClientOptions {
  /** e.g. `https://data.example.org` (no trailing path needed). */
  baseUrl: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** How many JSON answers are kept for revalidation (default 500). */
  cacheEntries?: number;
}

export interface CareerdataClient {
  /** A record from the latest snapshot, or from `snapshotId`; null when the snapshot has no such SOC. */
  getOccupation(soc: string, snapshotId?: string): Promise<OccupationRecord | null>;
  /** Every record of a snapshot (`latest` allowed), streamed as NDJSON, in SOC order. */
  streamOccupations(snapshotId: string): AsyncGenerator<OccupationRecord>;
  /** The manifest of a snapshot (`latest` allowed). */
  getManifest(snapshotId?: string): Promise<Manifest>;
  /** What changed from snapshot `from` to snapshot `to`, with an RFC 6902 patch per occupation. */
  getDiff(from: string, to: string): Promise<SnapshotDiff>;
  /** The same as one JSON Patch over the snapshot keyed by SOC (`{ "29-2072": record, … }`). */
  getDiffPatch(from: string, to: string): Promise<JsonPatchOperation[]>;
}

const SNAPSHOT_REF = /^(latest|\d{8}T\d{6}Z-[0-9a-f]{8})$/;
const SOC = /^\d{2}-\d{4}$/;

function check(kind: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value)) throw new TypeError(`careerdata client: "${value}" is not a ${kind}`);
  return value;
}

async function problemOf(res: Response): Promise<Problem | null> {
  try {
    return (await res.json()) as Problem;
  } catch {
    return null;
  }
}

export function createClient(options: ClientOptions): CareerdataClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const max = options.cacheEntries ?? 500;
  const remembered = new Map<string, { etag: string; value: unknown }>();

  /** GET a JSON document, revalidating what we hold; null on 404 when `nullOn404`. */
  async function getJson<T>(path: string, accept: string, nullOn404 = false): Promise<T | null> {
    const url = base + path;
    const key = `${accept} ${url}`;
    const held = remembered.get(key);
    const res = await doFetch(url, {
      headers: { ...options.headers, accept, ...(held ? { 'if-none-match': held.etag } : {}) },
    });
    if (res.status === 304 && held) {
      remembered.delete(key); // re-insert: least recently used goes first
      remembered.set(key, held);
      return held.value as T;
    }
    if (res.status === 404 && nullOn404) {
      const problem = await problemOf(res);
      if (problem?.type.endsWith(':occupation-not-found')) return null;
      throw new CareerdataApiError(404, problem, url);
    }
    if (!res.ok) throw new CareerdataApiError(res.status, await problemOf(res), url);
    const value = (await res.json()) as T;
    const etag = res.headers.get('etag');
    if (etag) {
      remembered.set(key, { etag, value });
      while (remembered.size > max) remembered.delete(remembered.keys().next().value as string);
    }
    return value;
  }

  async function must<T>(p: Promise<T | null>): Promise<T> {
    return (await p) as T;
  }

  return {
    getOccupation(soc, snapshotId) {
      check('SOC code (NN-NNNN)', soc, SOC);
      const path =
        snapshotId === undefined
          ? `/v1/occupations/${soc}`
          : `/v1/snapshots/${check('snapshot id', snapshotId, SNAPSHOT_REF)}/occupations/${soc}`;
      return getJson<OccupationRecord>(path, 'application/json', true);
    },

    async *streamOccupations(snapshotId) {
      const url = `${base}/v1/snapshots/${check('snapshot id', snapshotId, SNAPSHOT_REF)}/occupations`;
      const res = await doFetch(url, { headers: { ...options.headers, accept: 'application/x-ndjson' } });
      if (!res.ok || !res.body) throw new CareerdataApiError(res.status, await problemOf(res), url);
      const decoder = new TextDecoder();
      let pending = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        pending += decoder.decode(chunk, { stream: true });
        let nl = pending.indexOf('\n');
        while (nl >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (line.trim() !== '') yield JSON.parse(line) as OccupationRecord;
          nl = pending.indexOf('\n');
        }
      }
      pending += decoder.decode();
      if (pending.trim() !== '') yield JSON.parse(pending) as OccupationRecord;
    },

    getManifest(snapshotId = 'latest') {
      return must(
        getJson<Manifest>(
          `/v1/snapshots/${check('snapshot id', snapshotId, SNAPSHOT_REF)}`,
          'application/json',
        ),
      );
    },

    getDiff(from, to) {
      const path = `/v1/snapshots/${check('snapshot id', to, SNAPSHOT_REF)}/diff?from=${check('snapshot id', from, SNAPSHOT_REF)}`;
      return must(getJson<SnapshotDiff>(path, 'application/json'));
    },

    getDiffPatch(from, to) {
      const path = `/v1/snapshots/${check('snapshot id', to, SNAPSHOT_REF)}/diff?from=${check('snapshot id', from, SNAPSHOT_REF)}`;
      return must(getJson<JsonPatchOperation[]>(path, 'application/json-patch+json'));
    },
  };
}
