import { readEpochCsv } from '../readers/epochCsvReader.js';
import { readLimitsFrom } from '../readers/readLimits.js';
import type { FileSourceAdapter } from './sourceAdapter.js';

export type EpochData = Awaited<ReturnType<typeof readEpochCsv>>;

export const epochSource: FileSourceAdapter<EpochData> = {
  id: 'epoch',
  describe: 'Curated EPOCH human-advantage ratings',
  files: (config) => [{ name: 'epoch-ratings.csv', url: config.epochUrl, expect: 'csv' }],
  read: (artifacts, rejects, config) =>
    readEpochCsv({ path: artifacts[0]!.path, name: artifacts[0]!.name }, rejects, readLimitsFrom(config)),
  release: () => undefined,
};
