import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StageFileError, StageFiles } from '../../../src/queue/handOver/stageFiles.js';

describe('stage hand-over files', () => {
  let dir: string;
  let files: StageFiles;
  const runId = 'run-20261127T030000Z-abc123';

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-stage-'));
    files = new StageFiles(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('hands over a head and many items as one line each, read back equal', async () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ soc: `11-${1000 + i}`, text: 'x'.repeat(500) }));
    const ref = await files.writeLines(runId, 'candidate.ndjson', { methodology: '2.0' }, items);
    const text = await readFile(path.join(files.dir(runId), 'candidate.ndjson'), 'utf8');
    expect(text.split('\n')).toHaveLength(3002); // head, items, final newline
    expect(ref.bytes).toBe(Buffer.byteLength(text));
    const back = await files.readLines<{ methodology: string }, (typeof items)[number]>(runId, ref);
    expect(back.head).toEqual({ methodology: '2.0' });
    expect(back.items).toEqual(items);
  });

  it('refuses a hand-over whose bytes changed after it was written', async () => {
    const ref = await files.writeLines(runId, 'candidate.ndjson', {}, [{ a: 1 }]);
    await writeFile(path.join(files.dir(runId), 'candidate.ndjson'), '{}\n{"a":2}\n');
    await expect(files.readLines(runId, ref)).rejects.toBeInstanceOf(StageFileError);
    await expect(files.readLines(runId, ref)).rejects.toThrow(/has sha256 .*, expected/);
  });

  it('says a hand-over is missing, and where CACHE_DIR must be shared, when its file is gone', async () => {
    const ref = await files.writeLines(runId, 'candidate.ndjson', {}, [{ a: 1 }]);
    await rm(path.join(files.dir(runId), 'candidate.ndjson'));
    await expect(files.readLines(runId, ref)).rejects.toThrow(/is missing \(ENOENT\); is CACHE_DIR shared/);
  });
});
