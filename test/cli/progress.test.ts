import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barText, createLiveLine, createProgressDisplay, liveText } from '../../src/cli/progress.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
/** ANSI escape sequences (cursor moves, erase, colours, synchronized output). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');
const LEADING_ANSI = new RegExp(`^(${ANSI.source})*`);

describe('progress text', () => {
  it('shows a bar with n/N and an ETA from the pace so far', () => {
    const text = barText(
      { task: 'careeronestop', done: 100, total: 400, unit: 'occupations', startedAt: 0 },
      50_000,
      20,
    );
    expect(text).toBe('[█████░░░░░░░░░░░░░░░] 100/400 occupations  ETA 2m30s');
  });

  it('shows bytes in MiB and leaves the ETA out when the total is unknown', () => {
    expect(
      barText({ task: 'oews', done: 5 * 1_048_576, total: null, unit: 'bytes', startedAt: 0 }, 1000),
    ).toBe('5.0 MiB');
  });

  it('fits the live line into the terminal width', () => {
    const s = {
      stage: 'fetch' as const,
      task: {
        task: 'oews oe.data.0.Current-with-a-very-long-name',
        done: 1,
        total: 4,
        unit: 'bytes' as const,
        startedAt: 0,
      },
      startedAt: 0,
    };
    const line = liveText(s, 1000, 60);
    expect(line.length).toBeLessThan(60);
    expect(line).toMatch(/^▸ oews oe\.data.* \[█{5}░{15}\] 0\.0\/0\.0 MiB {2}ETA 3s$/);
  });

  it('without a terminal prints one plain line per stage and CareerOneStop in tenths', () => {
    const lines: string[] = [];
    let t = 0;
    const d = createProgressDisplay('lines', 'run-x', { write: (s) => lines.push(s) }, () => t);
    d.stage('careeronestop', 'start');
    for (let i = 1; i <= 100; i++) d.progress('careeronestop', i, 100, 'occupations');
    t = 3000;
    d.stage('careeronestop', 'end');
    expect(lines[0]).toMatch(/run-x CareerOneStop…\n$/);
    expect(lines.filter((l) => l.includes('occupations'))).toHaveLength(11);
    expect(lines.at(-1)).toMatch(/CareerOneStop done \(3s\)\n$/);
  });

  it('trigger --wait on a terminal prints log lines above its live line, never inside it', () => {
    const writes: string[] = [];
    const live = createLiveLine(true, { write: (s) => writes.push(s), isTTY: true, columns: 100, rows: 30 });
    live.update('run-x running  fetch …');
    live.log('[03:00:01] WARN: waiting for Redis: connection refused');
    live.update('run-x running  fetch ✓  read …');
    live.stop();
    const frames = writes.map((w) => w.replace(ANSI, ''));
    const logFrame = frames.find((f) => f.includes('waiting for Redis'))!;
    expect(logFrame).not.toContain('run-x running');
    // The live line is erased before the log line is written, then drawn again below it.
    expect(writes.find((w) => w.includes('waiting for Redis'))!.replace(LEADING_ANSI, '')).toMatch(
      /^\[03:00:01\]/,
    );
    expect(frames.at(-1)).toBe('run-x running  fetch ✓  read …\n');
  });

  it('--quiet prints nothing', () => {
    const lines: string[] = [];
    const d = createProgressDisplay('quiet', 'run-x', { write: (s) => lines.push(s) });
    d.stage('fetch', 'start');
    d.progress('careeronestop', 1, 2, 'occupations');
    d.stage('fetch', 'end');
    expect(lines).toEqual([]);
  });
});

// `script` (util-linux) runs the command under a pseudo-terminal and records what it drew.
describe.skipIf(!existsSync('/usr/bin/script'))(
  'careerdata refresh on a terminal',
  { timeout: 120_000 },
  () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-tty-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const underTerminal = async (args: string) => {
      const cmd = `${process.execPath} --import tsx ${path.join(ROOT, 'src/cli/main.ts')} ${args}`;
      const r = await run('script', ['-qfec', cmd, '/dev/null'], {
        cwd: ROOT,
        env: {
          ...process.env,
          SNAPSHOT_DIR: path.join(dir, 'snapshots'),
          CACHE_DIR: path.join(dir, 'cache'),
          RUNS_DIR: path.join(dir, 'runs'),
          LOG_LEVEL: 'info',
          LOG_FORMAT: 'auto',
          COLUMNS: '100',
        },
        timeout: 110_000,
      });
      return r.stdout;
    };

    it('draws a live progress line with n/N and never mixes a log line into it', async () => {
      const raw = await underTerminal('refresh --offline --force');
      // Each drawing is one write between the synchronized-output markers log-update sends.
      const frames = raw.split('\x1b[?2026h').map((f) => f.split('\x1b[?2026l')[0]!);
      const progress = frames.filter((f) => f.replace(ANSI, '').includes('▸ '));
      const logs = frames.filter((f) => / INFO /.test(f.replace(ANSI, '')));
      expect(
        progress.some((f) => /CareerOneStop {2}\[[█░]+\] \d+\/\d+ occupations/.test(f.replace(ANSI, ''))),
      ).toBe(true);
      expect(
        progress.some((f) =>
          /▸ oews oe\.data\.0\.Current {2}\[[█░]+\] [\d.]+\/[\d.]+ MiB/.test(f.replace(ANSI, '')),
        ),
      ).toBe(true);
      expect(logs.length).toBeGreaterThan(3);
      for (const f of logs) {
        // A log line is printed after the live line was erased, starts its own line, and is alone.
        const text = f.replace(ANSI, '');
        expect(text, JSON.stringify(text)).not.toContain('▸');
        // One short line each (not a many-line object).
        expect(text.trim().split(/\r?\n/), JSON.stringify(text)).toHaveLength(1);
        expect(f.replace(LEADING_ANSI, '')).toMatch(/^\[\d\d:\d\d:\d\d\] /);
      }
      // Stage lines stay in the scrollback, one per stage; the summary follows the cleared live line.
      const plain = raw.replace(ANSI, '');
      expect(plain).toMatch(/CareerOneStop done \(\d+s\)/);
      expect(plain).toMatch(/Published snapshot \S+ \(21 occupations\)/);
    });

    it('--quiet draws nothing but the summary', async () => {
      const plain = (await underTerminal('refresh --offline --quiet')).replace(ANSI, '');
      expect(plain).not.toContain('▸');
      expect(plain).not.toMatch(/done \(\d+s\)/);
      expect(plain).toMatch(/^(Published|Unchanged)/m);
    });
  },
);
