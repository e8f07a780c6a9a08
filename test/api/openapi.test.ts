/**
 * The OpenAPI document: Redocly's recommended lint finds 0 errors (the CLI, as a consumer would run
 * it), every operation is named, tagged, secured and answers errors as problem+json, `servers`
 * come from configuration, and the 29-2072 example is a valid record.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OCCUPATION_EXAMPLE } from '../../src/api/examples/occupation29_2072.js';
import { openApiDocument } from '../../src/api/openapi.js';
import { OccupationRecord } from '../../src/model/occupation.js';
import { strictValidator } from '../support/strictAjv.js';

const run = promisify(execFile);
const REDOCLY = path.resolve(import.meta.dirname, '../../node_modules/.bin/redocly');

// biome-ignore lint/suspicious/noExplicitAny: the document is checked by assertions, not by types
type Loose = any;
const doc = openApiDocument() as Loose;
const operations = Object.entries(doc.paths as Record<string, Record<string, Loose>>).flatMap(([p, item]) =>
  Object.entries(item).map(([method, op]) => ({ where: `${method.toUpperCase()} ${p}`, op })),
);

describe('OpenAPI document', () => {
  it('passes `redocly lint` (recommended rules) with 0 errors', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-openapi-'));
    try {
      const file = path.join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(doc));
      const result = await run(REDOCLY, ['lint', file, '--format=summary'], {
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
          NO_COLOR: '1',
        },
      }).catch((err: { code?: number; stdout?: string; stderr?: string }) => err);
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
      expect((result as { code?: number }).code ?? 0, output).toBe(0);
      expect(output).not.toMatch(/^error/m);
      expect(output).toMatch(/valid/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names, tags, summarises and secures every operation, with unique operation ids', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set((doc.tags as { name: string }[]).map((t) => t.name));
    for (const { where, op } of operations) {
      expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.summary, where).toEqual(expect.any(String));
      expect(op.tags?.length, where).toBeGreaterThan(0);
      for (const t of op.tags) expect(tags.has(t), `${where}: tag ${t}`).toBe(true);
      expect(Array.isArray(op.security), where).toBe(true);
    }
  });

  it('documents the admin routes behind the admin security schemes', () => {
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['adminToken', 'adminBasic']);
    expect(doc.components.securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const where of [
      'POST /v1/refreshes',
      'GET /v1/refreshes',
      'GET /v1/refreshes/{id}',
      'GET /admin',
      'GET /admin/queues',
    ]) {
      const found = operations.find((o) => o.where === where);
      expect(found, where).toBeTruthy();
      expect(JSON.stringify(found!.op.security), where).toMatch(/adminToken/);
      expect(found!.op.responses['401'], where).toBeTruthy();
    }
  });

  it('answers every error as application/problem+json', () => {
    for (const { where, op } of operations) {
      for (const [status, response] of Object.entries(op.responses as Record<string, Loose>)) {
        if (Number(status) < 400) continue;
        expect(Object.keys(response.content ?? {}), `${where} ${status}`).toEqual([
          'application/problem+json',
        ]);
      }
    }
  });

  it('lists the configured public URLs as servers, else the server it was read from', () => {
    expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    const configured = openApiDocument({
      servers: ['https://data.example.org', 'https://staging.example.org'],
    }) as Loose;
    expect(configured.servers).toEqual([
      { url: 'https://data.example.org' },
      { url: 'https://staging.example.org' },
    ]);
  });

  it('shows the 29-2072 record as the example, valid against the record schema', () => {
    const media = doc.paths['/v1/occupations/{soc}'].get.responses['200'].content['application/json'];
    expect(media.examples['29-2072']).toEqual({ $ref: '#/components/examples/Occupation29_2072' });
    const example = doc.components.examples.Occupation29_2072;
    expect(example.value.soc).toBe('29-2072');
    expect(example.value).toBe(OCCUPATION_EXAMPLE);
    expect(OccupationRecord.safeParse(example.value).success).toBe(true);
    const validate = strictValidator('occupation');
    expect(validate(example.value), JSON.stringify(validate.errors)).toBe(true);
  });
});
