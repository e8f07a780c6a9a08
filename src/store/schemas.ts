/**
 * JSON Schemas for consumers, generated from the zod schemas (so they cannot drift). Stored in
 * every snapshot (schema/*.json) and served by the API at /v1/schema/{name}.
 */
import { z } from 'zod';
import { QualityReport } from '../gates/quality.js';
import { GateReport } from '../gates/report.js';
import { OccupationRecord, SNAPSHOT_SCHEMA_VERSION } from '../model/occupation.js';
import { SnapshotDiff } from './diff.js';
import { ManifestSchema } from './manifest.js';

export const SCHEMAS = {
  occupation: OccupationRecord,
  manifest: ManifestSchema,
  diff: SnapshotDiff,
  'gate-report': GateReport,
  'quality-report': QualityReport,
} as const;
export type SchemaName = keyof typeof SCHEMAS;
export const SCHEMA_NAMES = Object.keys(SCHEMAS) as SchemaName[];

export function isSchemaName(name: string): name is SchemaName {
  return Object.hasOwn(SCHEMAS, name);
}

const cache = new Map<SchemaName, Record<string, unknown>>();

/** The JSON Schema (draft 2020-12) of what we write, titled and versioned. */
export function jsonSchema(name: SchemaName): Record<string, unknown> {
  let s = cache.get(name);
  if (!s) {
    const generated = z.toJSONSchema(SCHEMAS[name], {
      target: 'draft-2020-12',
      io: 'output',
      unrepresentable: 'any',
    }) as Record<string, unknown>;
    s = {
      $schema: generated.$schema,
      $id: `urn:careerdata:schema:${name}:${SNAPSHOT_SCHEMA_VERSION}`,
      title: `careerdata ${name}`,
      'x-schema-version': SNAPSHOT_SCHEMA_VERSION,
      ...generated,
    };
    cache.set(name, s);
  }
  return s;
}
