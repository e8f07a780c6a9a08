/**
 * `npm run schema:fingerprint [-- --rerecord]`: record the fingerprints of the current
 * schemaVersion in schema/fingerprints.json (see src/store/schemaFingerprint.ts).
 */
import { FINGERPRINTS_FILE, recordFingerprints } from '../src/store/schemaFingerprint.js';

try {
  const { version, changed } = await recordFingerprints({ rerecord: process.argv.includes('--rerecord') });
  process.stdout.write(
    changed
      ? `recorded the schemas of schemaVersion ${version} in ${FINGERPRINTS_FILE}\n`
      : `schemaVersion ${version} is already recorded with these schemas\n`,
  );
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
