/**
 * Fingerprints of the published JSON Schemas, so a schema change cannot ship without a
 * schemaVersion bump: `schema/fingerprints.json` records, per schemaVersion, the sha256 of each
 * generated schema (canonical JSON, without the `$id`/`$comment` that carry the version itself).
 * test/store/schemaFingerprint.test.ts compares; `npm run schema:fingerprint` records.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from '../config.js';
import { canonicalJson } from '../model/canonicalJson.js';
import { SNAPSHOT_SCHEMA_VERSION } from '../model/occupation.js';
import { jsonSchema, SCHEMA_NAMES, type SchemaName } from './schemas.js';

export const FINGERPRINTS_FILE = path.join(PACKAGE_ROOT, 'schema', 'fingerprints.json');

export type Fingerprints = Record<string, Record<SchemaName, string>>;

export function currentFingerprints(): Record<SchemaName, string> {
  const out = {} as Record<SchemaName, string>;
  for (const name of SCHEMA_NAMES) {
    const { $id: _id, $comment: _comment, ...schema } = jsonSchema(name);
    out[name] = createHash('sha256').update(canonicalJson(schema)).digest('hex');
  }
  return out;
}

export async function readFingerprints(file = FINGERPRINTS_FILE): Promise<Fingerprints> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Fingerprints;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
}

/** Semver order of `a` and `b` (major.minor.patch only). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** What is wrong with the recorded fingerprints against the current schemas; empty when all is well. */
export function fingerprintProblems(
  recorded: Fingerprints,
  version = SNAPSHOT_SCHEMA_VERSION,
  current = currentFingerprints(),
): string[] {
  const problems: string[] = [];
  const mine = recorded[version];
  if (!mine) {
    problems.push(
      `schemaVersion ${version} has no recorded fingerprint: run \`npm run schema:fingerprint\` and commit schema/fingerprints.json`,
    );
  } else {
    for (const name of SCHEMA_NAMES) {
      if (mine[name] !== current[name]) {
        problems.push(
          `the ${name} schema changed but SNAPSHOT_SCHEMA_VERSION is still ${version}: bump it in src/model/occupation.ts ` +
            '(minor for an added optional field or a new enum value consumers can ignore, major for anything a consumer could break on; ' +
            'README "Schema evolution"), then run `npm run schema:fingerprint`',
        );
      }
    }
  }
  const newer = Object.keys(recorded).filter((v) => compareVersions(v, version) > 0);
  if (newer.length > 0) problems.push(`schemaVersion ${version} is older than recorded ${newer.join(', ')}`);
  for (const [v, prints] of Object.entries(recorded)) {
    if (v !== version && SCHEMA_NAMES.every((n) => prints[n] === current[n])) {
      problems.push(
        `schemaVersion ${version} has exactly the schemas of ${v}: a version bump without a change`,
      );
    }
  }
  return problems;
}

/**
 * Record the current version's fingerprints. Refuses to change those of a version already recorded
 * (that is what a forgotten bump looks like) unless `rerecord` says the version is unreleased.
 */
export async function recordFingerprints(
  opts: { rerecord?: boolean; file?: string } = {},
): Promise<{ version: string; changed: boolean }> {
  const file = opts.file ?? FINGERPRINTS_FILE;
  const recorded = await readFingerprints(file);
  const current = currentFingerprints();
  const existing = recorded[SNAPSHOT_SCHEMA_VERSION];
  const same = existing !== undefined && SCHEMA_NAMES.every((n) => existing[n] === current[n]);
  if (same) return { version: SNAPSHOT_SCHEMA_VERSION, changed: false };
  if (existing && !opts.rerecord) {
    throw new Error(
      `schemaVersion ${SNAPSHOT_SCHEMA_VERSION} is already recorded with other schemas: bump SNAPSHOT_SCHEMA_VERSION, ` +
        'or, only if this version was never released, run `npm run schema:fingerprint -- --rerecord`',
    );
  }
  const next: Fingerprints = { ...recorded, [SNAPSHOT_SCHEMA_VERSION]: current };
  const sorted = Object.fromEntries(Object.entries(next).sort(([a], [b]) => compareVersions(a, b)));
  await writeFile(file, `${JSON.stringify(sorted, null, 2)}\n`);
  return { version: SNAPSHOT_SCHEMA_VERSION, changed: true };
}
