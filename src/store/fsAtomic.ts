/** File writes that survive a crash at any moment: write + fsync, then rename over the old name. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const TMP_PREFIX = '.tmp-';
export const TRASH_PREFIX = '.trash-';

export function randomSuffix(): string {
  return randomBytes(6).toString('hex');
}

/** Create (never overwrite) a file and flush it to disk before returning. */
export async function writeFileDurable(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flush a directory entry change (a rename, a new file) to disk; a no-op where unsupported. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms/filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/** Replace `file` atomically: readers see the old or the new content, never a mix or nothing. */
export async function replaceFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `${path.basename(file)}${TMP_PREFIX}${randomSuffix()}`);
  try {
    await writeFileDurable(tmp, data);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}

/** Append one line; O_APPEND keeps concurrent appenders from interleaving within a small line. */
export async function appendLine(file: string, line: string): Promise<void> {
  const handle = await fs.open(file, 'a');
  try {
    await handle.write(line.endsWith('\n') ? line : line + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Remove a directory so that no reader ever sees it half-deleted: rename away first, then delete. */
export async function removeDirAtomic(dir: string): Promise<void> {
  const trash = path.join(path.dirname(dir), `${TRASH_PREFIX}${path.basename(dir)}-${randomSuffix()}`);
  await fs.rename(dir, trash);
  await fsyncDir(path.dirname(dir));
  await fs.rm(trash, { recursive: true, force: true });
}

export async function readFileIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
