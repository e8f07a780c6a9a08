import type { Config, SourceId } from '../config.js';
import type { RejectCollector } from '../validate/rejects.js';
import type { RawArtifact } from './artifact.js';

/** One upstream file a source needs for a run. */
export interface FileRequest {
  name: string;
  url: string;
  expect: 'zip' | 'xlsx' | 'tsv' | 'csv' | 'json';
  /** Licence (SPDX id) and the attribution text the publisher asks for, carried into the manifest. */
  license?: string;
  attribution?: string;
}

/**
 * A file-based source: which files to fetch for a config, and how to read the fetched artifacts into
 * typed, validated data. Reading touches nothing but the artifacts' bytes.
 */
export interface FileSourceAdapter<T> {
  id: SourceId;
  describe: string;
  files(config: Config): FileRequest[];
  read(artifacts: RawArtifact[], rejects: RejectCollector, config: Config): Promise<T>;
  /** The release the data says it is ("May 2024", "2024-34"), for the manifest. */
  release(data: T): string | undefined;
}

export function artifactNamed(artifacts: RawArtifact[], name: string, source: string): RawArtifact {
  const a = artifacts.find((x) => x.name === name);
  if (!a) throw new Error(`${source}: artifact ${name} was not fetched`);
  return a;
}

/** File name of a URL's last path segment (`oesm24nat.zip`). */
export function fileNameOf(url: string): string {
  const last = new URL(url).pathname.split('/').filter(Boolean).pop();
  return last ? decodeURIComponent(last) : url;
}
