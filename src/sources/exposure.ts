import { readExposureCsv } from '../readers/exposureCsvReader.js';
import { readLimitsFrom } from '../readers/readLimits.js';
import type { FileSourceAdapter } from './sourceAdapter.js';

export type ExposureData = Awaited<ReturnType<typeof readExposureCsv>>;

export const exposureSource: FileSourceAdapter<ExposureData> = {
  id: 'exposure',
  describe: 'GPTs-are-GPTs task exposure (occ_level.csv)',
  files: (config) => [{ name: 'occ_level.csv', url: config.EXPOSURE_URL, expect: 'csv' }],
  read: (artifacts, rejects, config) =>
    readExposureCsv({ path: artifacts[0]!.path, name: artifacts[0]!.name }, rejects, readLimitsFrom(config)),
  release: () => undefined,
};
