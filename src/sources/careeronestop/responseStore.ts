/**
 * The last good CareerOneStop response per (endpoint, occupation[, location]), kept so a refresh can
 * skip recent entries and an outage can fall back to older data. One JSON file per entry under
 * `${CACHE_DIR}/careeronestop/<endpoint>/<key>.json`, written atomically (temp file → rename).
 * Entries hold request parameters and paths without credentials, and bodies without geocodes.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CareerOneStopEndpoint } from './client.js';
import { dropCoordinates } from './parse.js';

export interface StoredResponse {
  endpoint: CareerOneStopEndpoint;
  soc: string;
  /** Training only: `US` or a state code. */
  location?: string;
  /** What was asked (no credentials); compared on refresh so a changed request is re-fetched. */
  params: Record<string, string | number>;
  /** Request paths with the userId replaced by `{userId}`, one per page. */
  requests: string[];
  /** ISO time of the fetch. */
  fetchedAt: string;
  status: 'ok' | 'not_found';
  /** The response (list endpoints: all fetched pages merged into the first page's shape); null when not found. */
  body: unknown;
}

export interface ResponseStore {
  get(endpoint: CareerOneStopEndpoint, soc: string, location?: string): Promise<StoredResponse | undefined>;
  put(entry: StoredResponse): Promise<void>;
}

export function entryKey(soc: string, location?: string): string {
  return location ? `${soc}_${location}` : soc;
}

/** Raised when something about to be written contains a credential: a bug, never written. */
export class SecretLeakError extends Error {
  constructor(file: string) {
    super(`refusing to write ${file}: it contains a CareerOneStop credential`);
    this.name = 'SecretLeakError';
  }
}

export class FileResponseStore implements ResponseStore {
  readonly root: string;
  private readonly secrets: string[];

  /** `cacheDir` is CACHE_DIR; `secrets` are checked against every write as a last guard. */
  constructor(cacheDir: string, opts: { secrets?: string[] } = {}) {
    this.root = path.join(cacheDir, 'careeronestop');
    this.secrets = (opts.secrets ?? []).filter(Boolean);
  }

  fileFor(endpoint: CareerOneStopEndpoint, soc: string, location?: string): string {
    return path.join(this.root, endpoint, `${entryKey(soc, location)}.json`);
  }

  async get(
    endpoint: CareerOneStopEndpoint,
    soc: string,
    location?: string,
  ): Promise<StoredResponse | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileFor(endpoint, soc, location), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const entry = JSON.parse(text) as StoredResponse;
      if (entry?.endpoint !== endpoint || entry.soc !== soc || typeof entry.fetchedAt !== 'string') {
        return undefined;
      }
      return entry;
    } catch {
      // A torn or hand-edited file is treated as absent: the next fetch replaces it.
      return undefined;
    }
  }

  async put(entry: StoredResponse): Promise<void> {
    const file = this.fileFor(entry.endpoint, entry.soc, entry.location);
    const safe: StoredResponse = { ...entry, body: dropCoordinates(entry.body) };
    const text = `${JSON.stringify(safe, null, 2)}\n`;
    for (const s of this.secrets) {
      if (text.includes(s) || text.includes(encodeURIComponent(s))) throw new SecretLeakError(file);
    }
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, text, 'utf8');
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }
}

/** In-memory store for unit tests and one-off runs. */
export class MemoryResponseStore implements ResponseStore {
  readonly entries = new Map<string, StoredResponse>();
  async get(endpoint: CareerOneStopEndpoint, soc: string, location?: string) {
    const e = this.entries.get(`${endpoint}/${entryKey(soc, location)}`);
    return e ? structuredClone(e) : undefined;
  }
  async put(entry: StoredResponse) {
    const safe = { ...entry, body: dropCoordinates(entry.body) };
    this.entries.set(`${entry.endpoint}/${entryKey(entry.soc, entry.location)}`, structuredClone(safe));
  }
}
