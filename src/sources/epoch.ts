import { readEpochCsv } from '../readers/epochCsvReader.js';
import type { FileSourceAdapter } from './sourceAdapter.js';

export type EpochData = Awaited<ReturnType<typeof readEpochCsv>>;

export const epochSource: FileSourceAdapter<EpochData> = {
  id: 'epoch',
  describe: 'Manual EPOCH human-advantage ratings (override the rule for the SOCs they list)',
  files: (config) => [{ name: 'epoch-ratings.csv', url: config.epochUrl, expect: 'csv' }],
  // Errors name the file as configured (EPOCH_URL, secrets already scrubbed), not only its role.
  read: (artifacts, rejects) => {
    const a = artifacts[0]!;
    return readEpochCsv({ path: a.path, name: `${a.name} (${a.url})` }, rejects);
  },
  release: () => undefined,
};
