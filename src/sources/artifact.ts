/** The raw upstream file a source's fetch produces; defined with the fetcher in http/. */
export type { ArtifactRecord, RawArtifact } from '../http/rawArtifact.js';
