/** Embedded-mode run history: one JSON file per run under RUNS_DIR (the worker keeps its own in Redis). */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RefreshSummary } from './summary.js';

export async function recordRun(dir: string, summary: RefreshSummary): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${summary.runId}.json`);
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(summary, null, 2)}\n`);
  await rename(tmp, file);
  return file;
}

export async function listRuns(dir: string): Promise<RefreshSummary[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.startsWith('run-') && n.endsWith('.json'));
  } catch {
    return [];
  }
  names.sort().reverse();
  return Promise.all(
    names.map(async (n) => JSON.parse(await readFile(path.join(dir, n), 'utf8')) as RefreshSummary),
  );
}
