/**
 * What operators did in the console, who and why: one JSON line per confirmed action in
 * RUNS_DIR/console-actions.ndjson (rollbacks and pins are also in the store's own history).
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { appendLine } from '../../store/fsAtomic.js';

export interface ConsoleAction {
  at: string;
  who: string;
  why: string;
  action: 'refresh' | 'rollback' | 'pin' | 'unpin';
  /** The run id a refresh got, or the snapshot concerned. */
  target: string;
  detail?: Record<string, unknown>;
}

export class ConsoleAudit {
  readonly file: string;
  constructor(runsDir: string) {
    this.file = path.join(runsDir, 'console-actions.ndjson');
  }

  async record(entry: ConsoleAction): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendLine(this.file, JSON.stringify(entry));
  }

  /** Newest first. */
  async list(limit = 50): Promise<ConsoleAction[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    const out: ConsoleAction[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as ConsoleAction);
      } catch {
        // a torn last line of a crashed write: skip it
      }
    }
    return out.reverse().slice(0, limit);
  }

  /** run id → who asked for it, for the runs list. */
  async refreshRequesters(): Promise<Map<string, string>> {
    const map = new Map<string, string>();
    for (const a of await this.list(1000)) if (a.action === 'refresh') map.set(a.target, a.who);
    return map;
  }
}
