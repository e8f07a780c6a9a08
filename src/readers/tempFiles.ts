/**
 * Temporary files of readers (a workbook taken out of a BLS zip), under CACHE_DIR/tmp rather than the
 * system /tmp. Each is removed when its read ends, however it ends; one left by a killed process
 * is removed by the next read (its name carries the host and pid that wrote it).
 */
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const PREFIX = 'read_';
const HOST = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8);
/** Files of another host are only removed once this old (its process may still be reading). */
const FOREIGN_MAX_AGE_MS = 86_400_000;

const live = new Set<string>();
let exitHookInstalled = false;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove temp files whose writer is gone (killed mid-read). Returns the names removed. */
export async function cleanAbandonedTempFiles(dir: string, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = /^read_([0-9a-f]{8})_(\d+)_/.exec(name);
    if (!m) continue;
    const file = path.join(dir, name);
    let abandoned: boolean;
    if (m[1] === HOST) abandoned = Number(m[2]) !== process.pid && !pidAlive(Number(m[2]));
    else abandoned = now - ((await stat(file).catch(() => null))?.mtimeMs ?? now) > FOREIGN_MAX_AGE_MS;
    if (abandoned && !live.has(file)) {
      await rm(file, { force: true });
      removed.push(name);
    }
  }
  return removed;
}

/** A fresh temp file path in `dir` (abandoned ones are removed first); `remove()` when done. */
export async function createTempFile(
  dir: string,
  suffix: string,
): Promise<{ file: string; remove(): Promise<void> }> {
  await mkdir(dir, { recursive: true });
  await cleanAbandonedTempFiles(dir);
  const file = path.join(dir, `${PREFIX}${HOST}_${process.pid}_${randomBytes(6).toString('hex')}${suffix}`);
  live.add(file);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // process.exit() skips `finally` blocks still pending; a signal that kills skips both (the next read cleans).
    process.once('exit', () => {
      for (const f of live) rmSync(f, { force: true });
    });
  }
  return {
    file,
    remove: async () => {
      live.delete(file);
      await rm(file, { force: true });
    },
  };
}
