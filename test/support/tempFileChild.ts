/**
 * Run as a child process (`node --import tsx test/support/tempFileChild.ts`): takes the workbook out of
 * the zip ZIP into TEMP_DIR as a real read does, prints `ready <temp file>` and waits to be killed.
 */
import { DEFAULT_READ_LIMITS } from '../../src/readers/readLimits.js';
import { openWorkbookSource } from '../../src/readers/workbook.js';

const source = await openWorkbookSource(process.env.ZIP!, 'oesm24nat.zip', {
  ...DEFAULT_READ_LIMITS,
  tempDir: process.env.TEMP_DIR!,
});
process.stdout.write(`ready ${source.path}\n`);
setInterval(() => {}, 60_000);
