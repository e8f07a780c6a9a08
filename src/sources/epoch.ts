import { readEpochCsv } from '../readers/epochCsvReader.js';
import type { FileSourceAdapter } from './sourceAdapter.js';

export type EpochData = Awaited<ReturnType<typeof readEpochCsv>>;

export const epochSource: FileSourceAdapter<EpochData> = {
  id: 'epoch',
  describe: 'Manual EPOCH human-advantage ratings (override the rule for the SOCs they list)',
  files: (config) => [{ name: 'epoch-ratings.csv', url: config.epochUrl, expect: 'csv' }],
  read: (artifacts, rejects) => readEpochCsv({ path: artifacts[0]!.path, name: artifacts[0]!.name }, rejects),
  release: () => undefined,
};
