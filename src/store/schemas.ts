/**
 * JSON Schemas for consumers, generated from the zod schemas (so they cannot drift). Stored in
 * every snapshot (schema/*.json) and served by the API at /v1/schema/{name}.
 */
import { z } from 'zod';
import { GateReport } from '../model/gateReport.js';
import { OccupationRecord, SNAPSHOT_SCHEMA_VERSION } from '../model/occupation.js';
import { QualityReport } from '../model/qualityReport.js';
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

/**
 * `type: ["number", "string"]` → `anyOf` of the two: the same meaning, and what Ajv's strict mode
 * (strictTypes) accepts. `[T, "null"]` stays, as strict mode allows it.
 */
function strictUnionTypes(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictUnionTypes);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = strictUnionTypes(v);
  const type = out.type;
  if (Array.isArray(type) && type.filter((t) => t !== 'null').length > 1) {
    delete out.type;
    out.anyOf = type.map((t) => ({ type: t }));
  }
  return out;
}

/**
 * The JSON Schema (draft 2020-12) of what we write, titled and versioned (in `$id` and `$comment`:
 * standard keywords, so Ajv's strict mode compiles it without vendor keywords).
 */
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
      $comment: `schemaVersion ${SNAPSHOT_SCHEMA_VERSION}`,
      ...(strictUnionTypes(generated) as Record<string, unknown>),
    };
    cache.set(name, s);
  }
  return s;
}
