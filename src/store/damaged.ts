/**
 * Snapshots found damaged (a file no longer matching its manifest's sha256). They are kept for
 * inspection and listed in `damaged.json` at the store's root: never used as a baseline again,
 * never served while an intact one exists.
 */
import path from 'node:path';
import { z } from 'zod';
import { readFileIfExists, replaceFileAtomic } from './fsAtomic.js';

export const DamagedEntry = z.object({
  /** When a refresh found it damaged. */
  at: z.string(),
  problems: z.array(z.string()),
  /** The snapshot published in its place. */
  replacedBy: z.string().nullable(),
});
export type DamagedEntry = z.infer<typeof DamagedEntry>;

const DamagedFile = z.object({ damaged: z.record(z.string(), DamagedEntry) });

/** What a publish over a damaged latest records (manifest, run record, change event). */
export const ReplacedDamaged = z.object({ id: z.string(), problems: z.array(z.string()) });
export type ReplacedDamaged = z.infer<typeof ReplacedDamaged>;

export class DamagedList {
  readonly file: string;
  constructor(dir: string) {
    this.file = path.join(dir, 'damaged.json');
  }

  async read(): Promise<Record<string, DamagedEntry>> {
    const text = await readFileIfExists(this.file);
    if (text === null) return {};
    try {
      return DamagedFile.parse(JSON.parse(text)).damaged;
    } catch {
      return {};
    }
  }

  /** Call only under the publish lock. */
  async mark(id: string, entry: DamagedEntry): Promise<void> {
    const all = await this.read();
    all[id] = entry;
    await replaceFileAtomic(this.file, `${JSON.stringify({ damaged: all }, null, 2)}\n`);
  }
}
