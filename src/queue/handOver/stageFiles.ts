/**
 * Hand-over files between stages: a stage writes what the next one needs under
 * `CACHE_DIR/stages/<runId>/<name>.json` (atomic temp+rename) and passes only the name and sha256
 * through Redis. The reader checks the digest, so a torn or swapped file is a clear error. CACHE_DIR
 * must be shared by every worker (one volume), as the raw cache already is.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readVerifiedLines } from '../../store/ndjson.js';
import { writeLinesDurable } from '../../store/snapshotFiles.js';
import { RUN_ID_PATTERN } from '../wiring/names.js';
import type { StageRef } from './payloads.js';

export class StageFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StageFileError';
  }
}

export class StageFiles {
  readonly root: string;

  constructor(cacheDir: string) {
    this.root = path.join(path.resolve(cacheDir), 'stages');
  }

  dir(runId: string): string {
    if (!RUN_ID_PATTERN.test(runId)) throw new StageFileError(`not a run id: "${runId}"`);
    return path.join(this.root, runId);
  }

  async write(runId: string, name: string, value: unknown): Promise<StageRef> {
    return this.writeText(runId, name, JSON.stringify(value));
  }

  async writeText(runId: string, name: string, text: string): Promise<StageRef> {
    const file = path.join(this.dir(runId), name);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, file);
    return { name, sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text) };
  }

  /**
   * A large hand-over (the candidate snapshot) as NDJSON: `head` on the first line, then one line
   * per item, written in ~1 MB pieces — never one string of the whole (~70 MB at full size).
   */
  async writeLines(runId: string, name: string, head: unknown, items: Iterable<unknown>): Promise<StageRef> {
    const file = path.join(this.dir(runId), name);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const lines = (function* () {
      yield JSON.stringify(head);
      for (const item of items) yield JSON.stringify(item);
    })();
    const { sha256, bytes } = await writeLinesDurable(tmp, lines);
    await rename(tmp, file);
    return { name, sha256, bytes };
  }

  /**
   * What `writeLines` wrote: the head and the items, each line parsed on its own and passed through
   * `each` before the next is parsed. The file is read in pieces, never whole; its sha256 is checked
   * at the end, and nothing is returned unless it matches.
   */
  async readLines<H, T>(
    runId: string,
    ref: StageRef,
    each: (item: T) => T = (item) => item,
  ): Promise<{ head: H; items: T[] }> {
    const file = path.join(this.dir(runId), ref.name);
    let head: H | undefined;
    const items: T[] = [];
    let first = true;
    const lines = readVerifiedLines<unknown>(
      file,
      ref.sha256,
      (actual) => new StageFileError(`stage file ${file} has sha256 ${actual}, expected ${ref.sha256}`),
    );
    try {
      for await (const value of lines) {
        if (first) head = value as H;
        else items.push(each(value as T));
        first = false;
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw this.missing(file, err);
      throw err;
    }
    return { head: head as H, items };
  }

  private missing(file: string, err: unknown): StageFileError {
    return new StageFileError(
      `stage file ${file} is missing (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}); is CACHE_DIR shared by every worker?`,
    );
  }

  private async readChecked(runId: string, ref: StageRef): Promise<Buffer> {
    const file = path.join(this.dir(runId), ref.name);
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch (err) {
      throw this.missing(file, err);
    }
    const digest = createHash('sha256').update(buf).digest('hex');
    if (digest !== ref.sha256) {
      throw new StageFileError(`stage file ${file} has sha256 ${digest}, expected ${ref.sha256}`);
    }
    return buf;
  }

  async read<T>(runId: string, ref: StageRef): Promise<T> {
    return JSON.parse(await this.readText(runId, ref)) as T;
  }

  async readText(runId: string, ref: StageRef): Promise<string> {
    return (await this.readChecked(runId, ref)).toString('utf8');
  }

  async removeRun(runId: string): Promise<void> {
    await rm(this.dir(runId), { recursive: true, force: true });
  }

  /** Remove hand-over directories older than `maxAgeMs` (runs that crashed without cleaning up). */
  async sweep(maxAgeMs: number, now = Date.now()): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names) {
      if (!RUN_ID_PATTERN.test(name)) continue;
      const st = await stat(path.join(this.root, name)).catch(() => undefined);
      if (st && now - st.mtimeMs > maxAgeMs) {
        await rm(path.join(this.root, name), { recursive: true, force: true });
        removed.push(name);
      }
    }
    return removed;
  }
}
