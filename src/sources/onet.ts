import { readOnetArchive } from '../readers/onet/onetReader.js';
import type { OnetReadResult } from '../readers/onet/onetTypes.js';
import { readLimitsFrom } from '../readers/readLimits.js';
import { type FileSourceAdapter, fileNameOf } from './sourceAdapter.js';

/**
 * What O*NET asks users of its database to show (https://www.onetcenter.org/license_db.html, CC BY
 * 4.0), with the modification notice: the snapshot reshapes O*NET's data per SOC.
 */
export const ONET_ATTRIBUTION =
  'This snapshot includes information from the O*NET Database by the U.S. Department of Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license (https://creativecommons.org/licenses/by/4.0/). O*NET® is a trademark of USDOL/ETA. careerdata has modified all or some of this information. USDOL/ETA has not approved, endorsed, or tested these modifications.';
export const ONET_LICENSE = 'CC-BY-4.0';

export const onetSource: FileSourceAdapter<OnetReadResult> = {
  id: 'onet',
  describe: 'O*NET database text release (description, tasks, technology skills, titles, job zone, related)',
  files: (config) => [
    {
      name: fileNameOf(config.ONET_URL),
      url: config.ONET_URL,
      expect: 'zip',
      license: ONET_LICENSE,
      attribution: ONET_ATTRIBUTION,
    },
  ],
  read: (artifacts, rejects, config) =>
    readOnetArchive({ path: artifacts[0]!.path, name: artifacts[0]!.name }, rejects, readLimitsFrom(config)),
  release: (data) => `${data.release} (${data.releaseDate})`,
};
