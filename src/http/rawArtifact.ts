/** A raw upstream file as fetched (by fetchArtifact.ts): where it came from and where its bytes are (content-addressed). */
export interface RawArtifact {
  /** Source id (`oews`, `ep`, …) and, for multi-file sources, the file's role (`oe.data.0.Current`). */
  source: string;
  name: string;
  /** The URL as configured, with any secret scrubbed. */
  url: string;
  sha256: string;
  bytes: number;
  /** Absolute path of the cached bytes (`CACHE_DIR/blobs/<sha256>`). */
  path: string;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  /** ISO time the bytes were last confirmed current (a 304 refreshes it). */
  fetchedAt: string;
  /** True when the upstream said 304 / the file:// mtime and size were unchanged: nothing downloaded. */
  notModified: boolean;
  /** e.g. "May 2024", "2024-34"; filled by the reader when the file says it. */
  release?: string;
  /** Licence and attribution text the publisher asks for (O*NET: CC BY 4.0). */
  license?: string;
  attribution?: string;
}

/** What the manifest records per source file. */
export type ArtifactRecord = Omit<RawArtifact, 'path' | 'notModified'> & { downloadedBytes: number };
