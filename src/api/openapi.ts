/**
 * OpenAPI 3.1 description of the API (read routes and the admin routes). Its schemas are the JSON
 * Schemas generated from the zod schemas of what we publish (store/schemas.ts) plus small zod
 * schemas of the API's own envelopes below, so the document cannot drift from the data. Linted
 * with Redocly in the test suite (test/api/openapi.test.ts): 0 errors.
 */
import { z } from 'zod';
import { SNAPSHOT_SCHEMA_VERSION } from '../model/occupation.js';
import { JsonPatchOperation } from '../store/diff.js';
import { jsonSchema, SCHEMA_NAMES, type SchemaName } from '../store/schemas.js';
import { OCCUPATION_EXAMPLE } from './examples/occupation29_2072.js';

const COMPONENT: Record<SchemaName, string> = {
  occupation: 'Occupation',
  manifest: 'Manifest',
  diff: 'Diff',
  'gate-report': 'GateReport',
  'quality-report': 'QualityReport',
};

/** RFC 9457 problem document: every error of the API. */
const Problem = z.object({
  type: z.string().describe('urn:careerdata:problem:<slug>'),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().describe('What went wrong and what to do, written for the caller'),
  instance: z.string().optional(),
});

const SnapshotSummary = z.object({
  id: z.string(),
  createdAt: z.string(),
  parent: z.string().nullable(),
  schemaVersion: z.string().optional(),
  methodology: z.string().nullable().optional(),
  releases: z.record(z.string(), z.array(z.string())).optional(),
  counts: z.record(z.string(), z.number().int()),
  forced: z.boolean().optional(),
  derivedFrom: z.string().nullable().optional(),
  latest: z.boolean(),
  pinned: z.boolean(),
});

const SnapshotPage = z.object({
  items: z.array(SnapshotSummary),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last'),
});

const RefreshRequest = z
  .object({
    sources: z
      .array(z.enum(['oews', 'ep', 'exposure', 'epoch', 'careeronestop']))
      .min(1)
      .optional(),
    force: z.boolean().optional(),
  })
  .strict();

const RunState = z.enum(['queued', 'running', 'published', 'unchanged', 'blocked', 'failed']);
const RefreshTicket = z.object({
  runId: z.string(),
  created: z.boolean().describe('False when a refresh was already queued or running: its id is returned'),
  status: RunState,
  href: z.string(),
});
const Run = z.looseObject({
  runId: z.string(),
  trigger: z.enum(['schedule', 'manual', 'catch-up']),
  sources: z.array(z.string()),
  force: z.boolean(),
  queuedAt: z.string(),
  status: RunState,
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  stages: z.record(z.string(), z.looseObject({ state: z.string() })),
  durations: z.record(z.string(), z.number()).optional(),
});
const RunList = z.object({ runs: z.array(Run) });
const Health = z.object({ status: z.literal('ok') });
const Ready = z.object({
  status: z.literal('ready'),
  snapshotId: z.string(),
  occupations: z.number().int(),
});

function fromZod(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

function withProperty(schema: Record<string, unknown>, name: string, value: unknown) {
  return { ...schema, properties: { ...(schema.properties as object), [name]: value } };
}

function componentSchema(name: SchemaName): Record<string, unknown> {
  const { $schema: _s, $id: _i, ...rest } = jsonSchema(name);
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, examples?: Record<string, object>) => ({
  'application/json': { schema, ...(examples ? { examples } : {}) },
});
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const header = (description: string) => ({ description, schema: { type: 'string' } });
const ok = (description: string, content: object, extra: Record<string, object> = {}) => ({
  description,
  headers: {
    ETag: header('Strong validator of this representation (`-gzip` / `-br` suffix when encoded)'),
    'Cache-Control': header('`immutable` for versioned URLs, `max-age=30` for latest-based ones'),
    ...extra,
  },
  content,
});
const notModified = { description: 'Not modified: If-None-Match matched the ETag' };
/** One copy of the (large) record in components.examples, referenced where a record is answered. */
const recordExample = { '29-2072': { $ref: '#/components/examples/Occupation29_2072' } };

const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'A snapshot id or `latest`',
  schema: { type: 'string', pattern: '^(latest|\\d{8}T\\d{6}Z-[0-9a-f]{8})$' },
  example: '20261127T030000Z-3f9a2c1b',
};
const socParam = {
  name: 'soc',
  in: 'path',
  required: true,
  description: 'A SOC 2018 detailed occupation code, NN-NNNN',
  schema: { type: 'string', pattern: '^\\d{2}-\\d{4}$' },
  example: '29-2072',
};
const ifNoneMatch = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description: 'An ETag from an earlier response: 304 when it still matches',
  schema: { type: 'string' },
};
const PUBLIC: object[] = [];
const ADMIN = [{ adminToken: [] }];
const read = {
  '400': problem('Malformed snapshot id, SOC code or query'),
  '404': problem('Unknown snapshot or occupation'),
};
const adminErrors = {
  '401': problem('No or a wrong admin token'),
  '503': problem('Admin routes disabled (no ADMIN_TOKEN) or Redis unreachable'),
};

export interface OpenApiOptions {
  /** Public base URLs (API_PUBLIC_URLS); default: the server the document is read from. */
  servers?: readonly string[];
}

function build(opts: OpenApiOptions): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const name of SCHEMA_NAMES) schemas[COMPONENT[name]] = componentSchema(name);
  Object.assign(schemas, {
    Problem: fromZod(Problem),
    SnapshotSummary: withProperty(
      fromZod(SnapshotSummary),
      'diffSummary',
      (componentSchema('diff').properties as Record<string, unknown>).summary,
    ),
    SnapshotPage: withProperty(fromZod(SnapshotPage), 'items', {
      type: 'array',
      items: ref('SnapshotSummary'),
    }),
    JsonPatch: { type: 'array', items: fromZod(JsonPatchOperation) },
    RefreshRequest: fromZod(RefreshRequest),
    RefreshTicket: fromZod(RefreshTicket),
    Run: withProperty(fromZod(Run), 'outcome', {
      type: 'object',
      description: 'Set when the run has finished',
      properties: {
        status: { type: 'string' },
        snapshotId: { type: ['string', 'null'] },
        quality: ref('QualityReport'),
        gateReport: ref('GateReport'),
      },
      required: ['status'],
    }),
    RunList: fromZod(RunList),
    Health: fromZod(Health),
    Ready: fromZod(Ready),
  });
  const servers =
    opts.servers && opts.servers.length > 0
      ? opts.servers.map((url) => ({ url }))
      : [{ url: '/', description: 'The server this document was read from' }];

  return {
    openapi: '3.1.0',
    info: {
      title: 'careerdata API',
      version: SNAPSHOT_SCHEMA_VERSION,
      summary: 'Occupation data snapshots: wages, projections, progression, AI resilience',
      description:
        'Immutable, versioned occupation snapshots. Versioned URLs never change (Cache-Control: immutable); ' +
        '`latest`-based URLs are short-lived. Every success has an ETag; send If-None-Match for a 304. ' +
        'Responses above 1 KB are sent gzip or brotli when asked (Accept-Encoding). Every GET also answers HEAD. ' +
        'Errors are application/problem+json (RFC 9457). `info.version` is the record schema version ' +
        '(semver; see the README, "Schema evolution").',
      contact: { name: 'careerdata maintainers' },
    },
    servers,
    tags: [
      { name: 'occupations', description: 'Occupation records' },
      { name: 'snapshots', description: 'Snapshots, their manifests and diffs' },
      { name: 'schemas', description: 'JSON Schemas of what is published, and this document' },
      { name: 'health', description: 'Liveness and readiness' },
      { name: 'admin', description: 'Operator routes: need ADMIN_TOKEN; never open to browsers (no CORS)' },
    ],
    security: PUBLIC,
    paths: {
      '/v1/occupations/{soc}': {
        get: {
          operationId: 'getOccupation',
          summary: 'One occupation from the latest snapshot',
          description: 'The snapshot it came from is named in X-Careerdata-Snapshot.',
          tags: ['occupations'],
          security: PUBLIC,
          parameters: [socParam, ifNoneMatch],
          responses: {
            '200': ok('The record', json(ref('Occupation'), recordExample), {
              'X-Careerdata-Snapshot': header('Id of the snapshot the record comes from'),
            }),
            '304': notModified,
            ...read,
          },
        },
      },
      '/v1/snapshots': {
        get: {
          operationId: 'listSnapshots',
          summary: 'List snapshots, newest first',
          tags: ['snapshots'],
          security: PUBLIC,
          parameters: [
            {
              name: 'limit',
              in: 'query',
              description: 'Page size',
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
            '200': ok('A page of snapshots', json(ref('SnapshotPage'))),
            '304': notModified,
            '400': read['400'],
          },
        },
      },
      '/v1/snapshots/{id}': {
        get: {
          operationId: 'getSnapshotManifest',
          summary: 'The manifest of a snapshot',
          tags: ['snapshots'],
          security: PUBLIC,
          parameters: [idParam, ifNoneMatch],
          responses: { '200': ok('Manifest', json(ref('Manifest'))), '304': notModified, ...read },
        },
      },
      '/v1/snapshots/{id}/occupations': {
        get: {
          operationId: 'listSnapshotOccupations',
          summary: 'All occupation records of a snapshot',
          description:
            'A JSON array, or NDJSON (one record per line, streamed) with `Accept: application/x-ndjson` or `?format=ndjson`.',
          tags: ['occupations', 'snapshots'],
          security: PUBLIC,
          parameters: [
            idParam,
            {
              name: 'format',
              in: 'query',
              description: '`ndjson` for NDJSON (same as the Accept header)',
              schema: { type: 'string', enum: ['ndjson'] },
            },
            ifNoneMatch,
          ],
          responses: {
            '200': ok(
              'Records sorted by SOC',
              {
                'application/json': { schema: { type: 'array', items: ref('Occupation') } },
                'application/x-ndjson': { schema: ref('Occupation') },
              },
              { 'X-Careerdata-Count': header('Number of records') },
            ),
            '304': notModified,
            ...read,
          },
        },
      },
      '/v1/snapshots/{id}/occupations/{soc}': {
        get: {
          operationId: 'getSnapshotOccupation',
          summary: 'One occupation record of a snapshot',
          tags: ['occupations', 'snapshots'],
          security: PUBLIC,
          parameters: [idParam, socParam, ifNoneMatch],
          responses: {
            '200': ok('The record', json(ref('Occupation'), recordExample)),
            '304': notModified,
            ...read,
          },
        },
      },
      '/v1/snapshots/{id}/diff': {
        get: {
          operationId: 'getSnapshotDiff',
          summary: 'What changed from snapshot `from` (default: the parent) to snapshot `id`',
          description:
            'JSON with a summary and, per changed occupation, an RFC 6902 `patch`; or, with ' +
            '`Accept: application/json-patch+json`, one JSON Patch over the snapshot keyed by SOC ' +
            '(`{"29-2072": record, …}`): `remove /<soc>`, `add /<soc>`, and each occupation\'s operations under `/<soc>`.',
          tags: ['snapshots'],
          security: PUBLIC,
          parameters: [
            idParam,
            {
              name: 'from',
              in: 'query',
              description: 'A snapshot id or `latest`',
              schema: { type: 'string' },
            },
            ifNoneMatch,
          ],
          responses: {
            '200': ok('The diff', {
              ...json(ref('Diff')),
              'application/json-patch+json': { schema: ref('JsonPatch') },
            }),
            '304': notModified,
            ...read,
          },
        },
      },
      '/v1/snapshots/{id}/schema/{name}': {
        get: {
          operationId: 'getSnapshotSchema',
          summary: 'A JSON Schema as stored in the snapshot',
          tags: ['schemas', 'snapshots'],
          security: PUBLIC,
          parameters: [
            idParam,
            {
              name: 'name',
              in: 'path',
              required: true,
              description: 'Which schema',
              schema: { type: 'string', enum: ['occupation', 'manifest'] },
            },
            ifNoneMatch,
          ],
          responses: {
            '200': ok('JSON Schema (draft 2020-12)', json({ type: 'object' })),
            '304': notModified,
            ...read,
          },
        },
      },
      '/v1/schema/{name}': {
        get: {
          operationId: 'getSchema',
          summary: 'The current JSON Schema of a document type',
          tags: ['schemas'],
          security: PUBLIC,
          parameters: [
            {
              name: 'name',
              in: 'path',
              required: true,
              description: 'Which schema',
              schema: { type: 'string', enum: SCHEMA_NAMES },
            },
            ifNoneMatch,
          ],
          responses: {
            '200': ok('JSON Schema (draft 2020-12)', json({ type: 'object' })),
            '304': notModified,
            '404': problem('Unknown schema name'),
          },
        },
      },
      '/v1/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          tags: ['schemas'],
          security: PUBLIC,
          parameters: [ifNoneMatch],
          responses: {
            '200': ok('OpenAPI 3.1', json({ type: 'object' })),
            '304': notModified,
            '404': problem('Never: listed for completeness'),
          },
        },
      },
      '/docs': {
        get: {
          operationId: 'getDocs',
          summary: 'This document rendered (Swagger UI, served by the API itself)',
          tags: ['schemas'],
          security: PUBLIC,
          responses: {
            '200': { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
            '404': problem('Never: listed for completeness'),
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'getHealth',
          summary: 'Liveness',
          tags: ['health'],
          security: PUBLIC,
          responses: {
            '200': { description: 'The process is up', content: json(ref('Health')) },
            '404': problem('Never: listed for completeness'),
          },
        },
      },
      '/readyz': {
        get: {
          operationId: 'getReadiness',
          summary: 'Readiness: a latest snapshot is loaded and servable',
          tags: ['health'],
          security: PUBLIC,
          responses: {
            '200': { description: 'Ready', content: json(ref('Ready')) },
            '404': problem('Never: listed for completeness'),
            '503': problem('Not ready'),
          },
        },
      },
      '/v1/refreshes': {
        post: {
          operationId: 'requestRefresh',
          summary: 'Ask for a refresh (or get the one already queued or running)',
          tags: ['admin'],
          security: ADMIN,
          requestBody: { required: false, content: json(ref('RefreshRequest')) },
          responses: {
            '202': {
              description: 'Queued, or already under way',
              headers: { Location: header('The run: /v1/refreshes/{id}') },
              content: json(ref('RefreshTicket')),
            },
            '400': problem('Malformed request body'),
            ...adminErrors,
          },
        },
        get: {
          operationId: 'listRefreshes',
          summary: 'Run history, newest first',
          tags: ['admin'],
          security: ADMIN,
          parameters: [
            {
              name: 'limit',
              in: 'query',
              description: 'How many runs',
              schema: { type: 'integer', minimum: 1, maximum: 500, default: 20 },
            },
          ],
          responses: {
            '200': { description: 'Runs (without their quality reports)', content: json(ref('RunList')) },
            '400': problem('Malformed limit'),
            ...adminErrors,
          },
        },
      },
      '/v1/refreshes/{id}': {
        get: {
          operationId: 'getRefresh',
          summary: 'One run: stages, durations, quality, gate or error report',
          tags: ['admin'],
          security: ADMIN,
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              description: 'A run id',
              schema: { type: 'string' },
            },
          ],
          responses: {
            '200': { description: 'The run', content: json(ref('Run')) },
            '400': problem('Malformed run id'),
            '404': problem('No such run in the history'),
            ...adminErrors,
          },
        },
      },
      '/admin': {
        get: {
          operationId: 'getConsole',
          summary: 'The operator console (server-rendered pages under /admin: runs, changes, actions)',
          tags: ['admin'],
          security: [{ adminBasic: [] }, { adminToken: [] }],
          responses: {
            '200': { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
            ...adminErrors,
          },
        },
      },
      '/admin/queues': {
        get: {
          operationId: 'getQueueDashboard',
          summary: 'The queue dashboard (bull-board); a browser logs in with the token as password',
          tags: ['admin'],
          security: [{ adminBasic: [] }, { adminToken: [] }],
          responses: {
            '200': { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
            ...adminErrors,
          },
        },
      },
      '/metrics': {
        get: {
          operationId: 'getMetrics',
          summary: 'Prometheus metrics (open for scraping: keep it on the internal network)',
          tags: ['admin'],
          security: PUBLIC,
          responses: {
            '200': {
              description: 'Prometheus text exposition 0.0.4',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
            '404': problem('Not mounted (no ADMIN_TOKEN and no REDIS_URL)'),
            '503': problem('Redis unreachable'),
          },
        },
      },
    },
    components: {
      schemas,
      examples: {
        Occupation29_2072: {
          summary: 'Medical Records Specialists (29-2072), as the offline refresh publishes it',
          value: OCCUPATION_EXAMPLE,
        },
      },
      securitySchemes: {
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: '`Authorization: Bearer <ADMIN_TOKEN>`',
        },
        adminBasic: {
          type: 'http',
          scheme: 'basic',
          description: 'HTTP Basic for a browser: any user name, ADMIN_TOKEN as the password',
        },
      },
    },
  };
}

const cache = new Map<string, Record<string, unknown>>();

export function openApiDocument(opts: OpenApiOptions = {}): Record<string, unknown> {
  const key = JSON.stringify(opts.servers ?? []);
  let doc = cache.get(key);
  if (!doc) {
    doc = build(opts);
    cache.set(key, doc);
  }
  return doc;
}
