/** OpenAPI 3.1 description of the read API; its schemas are the JSON Schemas generated from zod. */
import { SNAPSHOT_SCHEMA_VERSION } from '../model/occupation.js';
import { jsonSchema, SCHEMA_NAMES, type SchemaName } from '../store/schemas.js';

const COMPONENT: Record<SchemaName, string> = {
  occupation: 'Occupation',
  manifest: 'Manifest',
  diff: 'Diff',
  'gate-report': 'GateReport',
  'quality-report': 'QualityReport',
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

const cachedOk = (description: string, content: object) => ({
  description,
  headers: {
    ETag: { schema: { type: 'string' } },
    'Cache-Control': { schema: { type: 'string' } },
  },
  content,
});

const notModified = { description: 'Not modified (If-None-Match matched the ETag)' };

const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'A snapshot id (e.g. 20261127T030000Z-3f9a2c1b) or `latest`',
  schema: { type: 'string', pattern: '^(latest|\\d{8}T\\d{6}Z-[0-9a-f]{8})$' },
};
const socParam = {
  name: 'soc',
  in: 'path',
  required: true,
  description: 'A SOC 2018 code NN-NNNN',
  schema: { type: 'string', pattern: '^\\d{2}-\\d{4}$' },
};
const ifNoneMatch = { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } };

function componentSchema(name: SchemaName): Record<string, unknown> {
  const { $schema: _s, $id: _i, ...rest } = jsonSchema(name);
  return rest;
}

let cached: Record<string, unknown> | null = null;

export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const schemas: Record<string, unknown> = {};
  for (const name of SCHEMA_NAMES) schemas[COMPONENT[name]] = componentSchema(name);
  schemas.Problem = {
    type: 'object',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      instance: { type: 'string' },
    },
  };
  schemas.SnapshotSummary = {
    type: 'object',
    required: ['id', 'createdAt', 'parent', 'counts', 'latest', 'pinned'],
    properties: {
      id: { type: 'string' },
      createdAt: { type: 'string' },
      parent: { type: ['string', 'null'] },
      schemaVersion: { type: 'string' },
      methodology: { type: ['string', 'null'] },
      releases: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
      counts: { type: 'object', additionalProperties: { type: 'integer' } },
      diffSummary: (componentSchema('diff').properties as Record<string, unknown>).summary,
      forced: { type: 'boolean' },
      derivedFrom: { type: ['string', 'null'] },
      latest: { type: 'boolean' },
      pinned: { type: 'boolean' },
    },
  };
  schemas.SnapshotPage = {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: ref('SnapshotSummary') },
      nextCursor: { type: ['string', 'null'] },
    },
  };
  const errors = {
    '400': problemResponse('Malformed snapshot id, SOC code or query'),
    '404': problemResponse('Unknown snapshot or occupation'),
  };
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'careerdata read API',
      version: SNAPSHOT_SCHEMA_VERSION,
      description:
        'Immutable, versioned occupation snapshots. Versioned URLs never change (Cache-Control: immutable); ' +
        '`latest`-based URLs are short-lived. Every success has an ETag; send If-None-Match for a 304.',
    },
    paths: {
      '/v1/snapshots': {
        get: {
          summary: 'List snapshots, newest first',
          parameters: [
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            },
            {
              name: 'cursor',
              in: 'query',
              description: 'nextCursor of the previous page',
              schema: { type: 'string' },
            },
            ifNoneMatch,
          ],
          responses: {
            '200': cachedOk('A page of snapshots', json(ref('SnapshotPage'))),
            '304': notModified,
            ...errors,
          },
        },
      },
      '/v1/snapshots/{id}': {
        get: {
          summary: 'The manifest of a snapshot',
          parameters: [idParam, ifNoneMatch],
          responses: { '200': cachedOk('Manifest', json(ref('Manifest'))), '304': notModified, ...errors },
        },
      },
      '/v1/snapshots/{id}/occupations': {
        get: {
          summary:
            'All occupation records of a snapshot (JSON array, or NDJSON streamed with Accept: application/x-ndjson)',
          parameters: [idParam, ifNoneMatch],
          responses: {
            '200': cachedOk('Records sorted by SOC', {
              ...json({ type: 'array', items: ref('Occupation') }),
              'application/x-ndjson': { schema: ref('Occupation') },
            }),
            '304': notModified,
            ...errors,
          },
        },
      },
      '/v1/snapshots/{id}/occupations/{soc}': {
        get: {
          summary: 'One occupation record of a snapshot',
          parameters: [idParam, socParam, ifNoneMatch],
          responses: { '200': cachedOk('Record', json(ref('Occupation'))), '304': notModified, ...errors },
        },
      },
      '/v1/occupations/{soc}': {
        get: {
          summary: 'One occupation record from the latest snapshot (named in X-Careerdata-Snapshot)',
          parameters: [socParam, ifNoneMatch],
          responses: {
            '200': {
              ...cachedOk('Record', json(ref('Occupation'))),
              headers: {
                ETag: { schema: { type: 'string' } },
                'Cache-Control': { schema: { type: 'string' } },
                'X-Careerdata-Snapshot': { schema: { type: 'string' } },
              },
            },
            '304': notModified,
            ...errors,
          },
        },
      },
      '/v1/snapshots/{id}/diff': {
        get: {
          summary: 'Changes from snapshot `from` (default: the parent) to snapshot `id`',
          parameters: [
            idParam,
            {
              name: 'from',
              in: 'query',
              schema: { type: 'string' },
              description: 'A snapshot id or `latest`',
            },
            ifNoneMatch,
          ],
          responses: { '200': cachedOk('Diff', json(ref('Diff'))), '304': notModified, ...errors },
        },
      },
      '/v1/snapshots/{id}/schema/{name}': {
        get: {
          summary: 'A JSON Schema as stored in the snapshot (occupation or manifest)',
          parameters: [
            idParam,
            { name: 'name', in: 'path', required: true, schema: { enum: ['occupation', 'manifest'] } },
          ],
          responses: {
            '200': cachedOk('JSON Schema', json({ type: 'object' })),
            '304': notModified,
            ...errors,
          },
        },
      },
      '/v1/schema/{name}': {
        get: {
          summary: 'The current JSON Schema of a document type',
          parameters: [{ name: 'name', in: 'path', required: true, schema: { enum: SCHEMA_NAMES } }],
          responses: {
            '200': cachedOk('JSON Schema', json({ type: 'object' })),
            '304': notModified,
            ...errors,
          },
        },
      },
      '/v1/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
      '/healthz': {
        get: { summary: 'Liveness', responses: { '200': { description: 'The process is up' } } },
      },
      '/readyz': {
        get: {
          summary: 'Readiness: a latest snapshot is loaded and servable',
          responses: { '200': { description: 'Ready' }, '503': problemResponse('Not ready') },
        },
      },
    },
    components: { schemas },
  };
  return cached;
}
