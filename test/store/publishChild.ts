/**
 * Test helper run as a child process (`node --import tsx test/store/publishChild.ts`): publishes a
 * synthetic candidate into STORE_DIR. CAREERDATA_CRASH_AT=<point> SIGKILLs this process at that
 * point of the publish; HOLD_MS keeps the lock that long inside the critical section. Prints
 * `enter <ms>` / `leave <ms>` around the critical section and `result <json>` at the end.
 */

import { DEFAULT_GATE_CONFIG } from '../../src/gates/report.js';
import { publishSnapshot } from '../../src/pipeline/publish/publishSnapshot.js';
import type { PublishPoint } from '../../src/store/publishTransaction.js';
import { SnapshotStore } from '../../src/store/snapshotStore.js';
import { candidate, occupations } from './support.js';

const dir = process.env.STORE_DIR;
if (!dir) throw new Error('STORE_DIR is required');
const crashAt = process.env.CAREERDATA_CRASH_AT as PublishPoint | undefined;
const holdMs = Number(process.env.HOLD_MS ?? 0);
const count = Number(process.env.OCCUPATIONS ?? 40);

const store = new SnapshotStore({
  dir,
  lockStaleMs: Number(process.env.LOCK_STALE_MS ?? 2000),
  lockWaitMs: 60_000,
  onPublishPoint(point) {
    if (point === 'before-write') {
      process.stdout.write(`enter ${Date.now()}\n`);
      if (holdMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, holdMs);
    }
    if (point === crashAt) process.kill(process.pid, 'SIGKILL');
    if (point === 'after-switch') process.stdout.write(`leave ${Date.now()}\n`);
  },
});

const result = await publishSnapshot(
  store,
  candidate(occupations(count), { run: { id: `child-${process.pid}`, trigger: 'test' } }),
  {
    gates: DEFAULT_GATE_CONFIG,
  },
);
process.stdout.write(
  `result ${JSON.stringify({ status: result.status, snapshotId: 'snapshotId' in result ? result.snapshotId : null })}\n`,
);
