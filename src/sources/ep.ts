import { type EpReadResult, readEpWorkbook } from '../readers/epXlsxReader.js';
import { readLimitsFrom } from '../readers/readLimits.js';
import type { FileSourceAdapter } from './sourceAdapter.js';

export const epSource: FileSourceAdapter<EpReadResult> = {
  id: 'ep',
  describe: 'BLS Employment Projections (growth, openings, education/experience/training)',
  files: (config) => [{ name: 'occupation.xlsx', url: config.EP_URL, expect: 'xlsx' }],
  read: (artifacts, rejects, config) =>
    readEpWorkbook(
      { path: artifacts[0]!.path, fileName: artifacts[0]!.name },
      rejects,
      readLimitsFrom(config),
    ),
  release: (data) => data.release,
};
