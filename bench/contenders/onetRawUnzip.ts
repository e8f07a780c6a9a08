/**
 * Baseline of the O*NET reader: walk the same zip with yauzl and inflate the same nine entries,
 * counting newlines, nothing parsed or kept — the cost of getting the bytes out of the archive.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import type yauzl from 'yauzl';
import { NEEDED_ONET_FILES } from '../../src/readers/onet/onetFiles.js';
import { openZip } from '../../src/readers/zip.js';
import { reportResult } from '../lib/report.js';

const file = process.argv[2]!;
const t0 = performance.now();
const zip = await openZip(file);
let bytes = 0;
let newlines = 0;
await new Promise<void>((resolve, reject) => {
  zip.on('error', reject);
  zip.on('end', () => resolve());
  zip.on('entry', (entry: yauzl.Entry) => {
    if (!NEEDED_ONET_FILES.includes(path.posix.basename(entry.fileName))) {
      zip.readEntry();
      return;
    }
    zip.openReadStream(entry, async (err, stream) => {
      if (err || !stream) return reject(err);
      for await (const chunk of stream as Readable as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        let pos = chunk.indexOf(10);
        while (pos !== -1) {
          newlines++;
          pos = chunk.indexOf(10, pos + 1);
        }
      }
      zip.readEntry();
    });
  });
  zip.readEntry();
});
zip.close();
reportResult({ ms: performance.now() - t0, bytes, rows: newlines });
