/**
 * Every source the project has, checked at start-up: the list in config.SOURCE_IDS and this registry
 * must agree, so a source cannot be configured without an adapter (or the reverse).
 */
import { SOURCE_IDS, type SourceId } from '../config.js';
import { epSource } from './ep.js';
import { epochSource } from './epoch.js';
import { exposureSource } from './exposure.js';
import { oewsSource } from './oews.js';
import { onetSource } from './onet.js';
import type { FileSourceAdapter } from './sourceAdapter.js';

export const FILE_SOURCES = {
  oews: oewsSource,
  ep: epSource,
  exposure: exposureSource,
  epoch: epochSource,
  onet: onetSource,
} as const;

/** CareerOneStop is an API source fetched per occupation, not a file source. */
export const API_SOURCES = ['careeronestop'] as const;

export type FileSourceId = keyof typeof FILE_SOURCES;

export function isFileSource(id: SourceId): id is FileSourceId {
  return id in FILE_SOURCES;
}

export function fileSource(id: FileSourceId): FileSourceAdapter<unknown> {
  return FILE_SOURCES[id] as FileSourceAdapter<unknown>;
}

export function checkSourceRegistry(): void {
  const known = new Set<string>([...Object.keys(FILE_SOURCES), ...API_SOURCES]);
  const missing = SOURCE_IDS.filter((id) => !known.has(id));
  const extra = [...known].filter((id) => !(SOURCE_IDS as readonly string[]).includes(id));
  if (missing.length || extra.length) {
    throw new Error(
      `source registry out of step with config: missing adapters ${missing.join(', ') || '-'}; unknown ${extra.join(', ') || '-'}`,
    );
  }
}

/** Human hint for an upstream refusal, appended to HTTP errors. */
export function blsHint(url: URL, status: number): string | undefined {
  if (!/(^|\.)bls\.gov$/.test(url.hostname)) return undefined;
  if (status === 403) {
    return 'BLS refuses clients without an identifying User-Agent: set BLS_CONTACT_EMAIL (it goes into the User-Agent), or download the file by hand and point its URL setting at it with a file:// URL';
  }
  if (status === 404)
    return 'the file may have moved or the release may not be published yet: check the URL setting';
  return undefined;
}
