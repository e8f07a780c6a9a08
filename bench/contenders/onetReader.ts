/** The project's O*NET reader over a text-release zip, called as the `onet` source calls it. */
import { statSync } from 'node:fs';
import { readOnetArchive } from '../../src/readers/onet/onetReader.js';
import { RejectCollector } from '../../src/validate/rejects.js';
import { reportResult } from '../lib/report.js';

const file = process.argv[2]!;
const rejects = new RejectCollector();
const t0 = performance.now();
const data = await readOnetArchive({ path: file }, rejects);
const ms = performance.now() - t0;
const counts = rejects.counts.get('onet');
reportResult({
  ms,
  bytes: statSync(file).size,
  rows: counts?.read ?? 0,
  rejected: counts?.rejected ?? 0,
  occupations: data.occupations.size,
});
