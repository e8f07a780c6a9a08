import { ValidationError } from '../errors.js';
import { OewsEstimateTable } from '../readers/oewsEstimateTable.js';
import { PUBLISHED_GROUPS, readOewsFlatFiles } from '../readers/oewsFlatFileReader.js';
import type { OewsReadResult } from '../readers/oewsTypes.js';
import { readOewsWorkbook } from '../readers/oewsXlsxReader.js';
import { readLimitsFrom } from '../readers/readLimits.js';
import { artifactNamed, type FileSourceAdapter, fileNameOf } from './sourceAdapter.js';

const FLAT_FILES = ['oe.data.0.Current', 'oe.occupation', 'oe.area', 'oe.release'] as const;

/** OEWS wages: the time-series flat files (default, the reliable automated route) or the yearly workbooks. */
export const oewsSource: FileSourceAdapter<OewsReadResult> = {
  id: 'oews',
  describe: 'BLS OEWS wages and employment (national, state, metro)',
  files(config) {
    if (config.OEWS_FORMAT === 'xlsx') {
      return config.OEWS_XLSX_URLS.map((url) => ({
        name: fileNameOf(url),
        url,
        expect: url.toLowerCase().endsWith('.xlsx') ? ('xlsx' as const) : ('zip' as const),
      }));
    }
    const base = config.OEWS_FLATFILES_URL.endsWith('/')
      ? config.OEWS_FLATFILES_URL
      : `${config.OEWS_FLATFILES_URL}/`;
    return FLAT_FILES.map((name) => ({ name, url: new URL(name, base).href, expect: 'tsv' as const }));
  },
  async read(artifacts, rejects, config) {
    if (config.OEWS_FORMAT === 'flatfiles') {
      const path = (name: string) => artifactNamed(artifacts, name, 'oews').path;
      return readOewsFlatFiles(
        {
          dataPath: path('oe.data.0.Current'),
          occupationPath: path('oe.occupation'),
          areaPath: path('oe.area'),
          releasePath: path('oe.release'),
        },
        rejects,
        // Only detailed occupations become records: the rest are dropped before parsing.
        { groups: PUBLISHED_GROUPS, limits: readLimitsFrom(config) },
      );
    }
    const results: OewsReadResult[] = [];
    for (const a of artifacts)
      results.push(
        await readOewsWorkbook({ path: a.path, fileName: a.name }, rejects, readLimitsFrom(config)),
      );
    const releases = [...new Set(results.map((r) => r.release))];
    if (releases.length > 1) {
      throw new ValidationError(
        `oews: the workbooks are from different releases (${artifacts.map((a, i) => `${a.name}: ${results[i]?.release}`).join(', ')}); expected one release`,
        'oews',
      );
    }
    return {
      release: releases[0] ?? 'unknown',
      estimates: OewsEstimateTable.concat(results.map((r) => r.estimates)),
    };
  },
  release: (data) => data.release,
};
