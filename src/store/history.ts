/**
 * The store's audit log (history.ndjson: every publish outcome, rollback, pin, prune — who, when,
 * why) and the pin list (pins.json, replaced atomically).
 */
import path from 'node:path';
import { z } from 'zod';
import { appendLine, readFileIfExists, replaceFileAtomic } from './fsAtomic.js';

export const HistoryEntry = z.looseObject({
  type: z.enum([
    'published',
    'unchanged',
    'blocked',
    'rolled_back',
    'pinned',
    'unpinned',
    'pruned',
    'orphan_removed',
    'damaged',
  ]),
  at: z.string(),
  /** The snapshot concerned (for `blocked`: none). */
  id: z.string().nullable(),
  who: z.string().optional(),
  why: z.string().optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const PinsFile = z.object({
  pins: z.record(
    z.string(),
    z.object({ at: z.string(), who: z.string().optional(), why: z.string().optional() }),
  ),
});
export type PinsFile = z.infer<typeof PinsFile>;

export class StoreHistory {
  readonly historyFile: string;
  readonly pinsFile: string;
  constructor(dir: string) {
    this.historyFile = path.join(dir, 'history.ndjson');
    this.pinsFile = path.join(dir, 'pins.json');
  }

  async append(entry: HistoryEntry): Promise<void> {
    await appendLine(this.historyFile, JSON.stringify(entry));
  }

  /** A crash mid-append can leave a line without its newline; end it so the next entry stays whole. */
  async repairTornLine(): Promise<void> {
    const text = await readFileIfExists(this.historyFile);
    if (text && !text.endsWith('\n')) await appendLine(this.historyFile, '');
  }

  /** All entries, oldest first; a torn last line (crash mid-append) is skipped. */
  async entries(): Promise<HistoryEntry[] | null> {
    const text = await readFileIfExists(this.historyFile);
    if (text === null) return null;
    const out: HistoryEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = HistoryEntry.safeParse(JSON.parse(line));
        if (parsed.success) out.push(parsed.data);
      } catch {
        // torn line
      }
    }
    return out;
  }

  async pins(): Promise<PinsFile['pins']> {
    const text = await readFileIfExists(this.pinsFile);
    if (text === null) return {};
    return PinsFile.parse(JSON.parse(text)).pins;
  }

  async writePins(pins: PinsFile['pins']): Promise<void> {
    await replaceFileAtomic(this.pinsFile, JSON.stringify({ pins }, null, 2) + '\n');
  }
}
