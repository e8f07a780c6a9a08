/**
 * manifest.json of a snapshot: what it holds, where every input came from, how it was checked,
 * and the sha256 of every file and of the canonical content. Written last, read first.
 */
import { z } from 'zod';
import { GateReport } from '../model/gateReport.js';
import { QualityReport } from '../model/qualityReport.js';
import type { ArtifactRecord } from '../sources/artifact.js';
import { ReplacedDamaged } from './damaged.js';
import { DiffSummary } from './diff.js';
import { SNAPSHOT_ID_PATTERN } from './ids.js';

export const SnapshotIdSchema = z
  .string()
  .regex(SNAPSHOT_ID_PATTERN, 'expected a snapshot id such as 20261127T030000Z-3f9a2c1b');

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest');

export const ArtifactRecordSchema = z.looseObject({
  source: z.string(),
  name: z.string(),
  url: z.string(),
  sha256: z.string(),
  bytes: z.number().int().min(0),
  downloadedBytes: z.number().int().min(0),
  contentType: z.string().nullable(),
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
  fetchedAt: z.string(),
  release: z.string().optional(),
  license: z.string().optional(),
  attribution: z.string().optional(),
});
// Keep the schema and the shared TypeScript type in step.
const _artifactCompatible: (a: ArtifactRecord) => z.input<typeof ArtifactRecordSchema> = (a) => a;
void _artifactCompatible;

export const SnapshotCounts = z.object({
  occupations: z.number().int(),
  withNationalWages: z.number().int(),
  withProjections: z.number().int(),
  scored: z.number().int(),
  unscored: z.number().int(),
});
export type SnapshotCounts = z.infer<typeof SnapshotCounts>;

export const FileEntry = z.object({ sha256: sha256Hex, bytes: z.number().int().min(0) });

export const RunInfo = z.looseObject({ id: z.string(), trigger: z.string() });
export type RunInfo = z.infer<typeof RunInfo>;

export const ManifestSchema = z.object({
  id: SnapshotIdSchema,
  createdAt: z.string(),
  schemaVersion: z.string(),
  /** The latest snapshot when this one was published (its diff.json is against it). */
  parent: SnapshotIdSchema.nullable(),
  /** sha256 of the canonical content (records without fetch times, methodology, releases). */
  contentSha256: sha256Hex,
  /** Every file of the snapshot except manifest.json, by path relative to the snapshot directory. */
  files: z.record(z.string(), FileEntry),
  /** Per source id, the upstream files the records were built from. */
  sources: z.record(z.string(), z.array(ArtifactRecordSchema)),
  /** Per source id, the distinct releases of its files (e.g. `{ oews: ["May 2024"] }`). */
  releases: z.record(z.string(), z.array(z.string())),
  counts: SnapshotCounts,
  quality: QualityReport,
  gates: GateReport,
  diffSummary: DiffSummary,
  methodology: z.string().nullable(),
  /** True when a failed gate was overridden with --force. */
  forced: z.boolean(),
  /** For a rescore: the snapshot whose inputs were reused. */
  derivedFrom: SnapshotIdSchema.nullable(),
  run: RunInfo.nullable(),
  /** Set when latest was damaged at publish time: the snapshot this one replaced (kept, listed in damaged.json). */
  replacedDamaged: ReplacedDamaged.optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** The file names of a snapshot directory. */
export const SNAPSHOT_FILES = {
  manifest: 'manifest.json',
  occupations: 'occupations.ndjson',
  diff: 'diff.json',
  occupationSchema: 'schema/occupation.json',
  manifestSchema: 'schema/manifest.json',
} as const;
