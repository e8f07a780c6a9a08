/**
 * Schema evolution: the published JSON Schemas may change only with a schemaVersion bump. The
 * committed schema/fingerprints.json records them per version; `npm run schema:fingerprint`
 * records a new version and refuses to rewrite a recorded one.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SNAPSHOT_SCHEMA_VERSION } from '../../src/model/occupation.js';
import {
  currentFingerprints,
  fingerprintProblems,
  readFingerprints,
  recordFingerprints,
} from '../../src/store/schemaFingerprint.js';

describe('schema fingerprints', () => {
  it('match the committed ones for the current schemaVersion (else: bump it, then npm run schema:fingerprint)', async () => {
    expect(fingerprintProblems(await readFingerprints())).toEqual([]);
  });

  it('catch a schema change without a version bump, a missing record and a bump without a change', () => {
    const current = currentFingerprints();
    const v = SNAPSHOT_SCHEMA_VERSION;
    const changed = { [v]: { ...current, occupation: '0'.repeat(64) } };
    expect(fingerprintProblems(changed, v, current).join('\n')).toMatch(
      /the occupation schema changed but SNAPSHOT_SCHEMA_VERSION is still .*: bump it/,
    );
    expect(fingerprintProblems({}, v, current).join('\n')).toMatch(/has no recorded fingerprint/);
    expect(fingerprintProblems({ '1.0.0': current, '1.1.0': current }, '1.1.0', current).join('\n')).toMatch(
      /exactly the schemas of 1.0.0/,
    );
    expect(fingerprintProblems({ '9.0.0': current, [v]: current }, v, current).join('\n')).toMatch(
      /older than/,
    );
  });

  it('are recorded for a new version, and never silently rewritten for a recorded one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-fp-'));
    try {
      const file = path.join(dir, 'fingerprints.json');
      expect(await recordFingerprints({ file })).toEqual({ version: SNAPSHOT_SCHEMA_VERSION, changed: true });
      expect(await recordFingerprints({ file })).toEqual({
        version: SNAPSHOT_SCHEMA_VERSION,
        changed: false,
      });
      const stale = { [SNAPSHOT_SCHEMA_VERSION]: { ...currentFingerprints(), diff: 'x' } };
      await writeFile(file, JSON.stringify(stale));
      await expect(recordFingerprints({ file })).rejects.toThrow(/bump SNAPSHOT_SCHEMA_VERSION/);
      expect(await recordFingerprints({ file, rerecord: true })).toMatchObject({ changed: true });
      expect(fingerprintProblems(await readFingerprints(file))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
