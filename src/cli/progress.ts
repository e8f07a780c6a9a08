/**
 * What `careerdata refresh` shows while it runs. On a terminal: one live line (stage, a bar with
 * n/N and ETA for CareerOneStop and for downloads), redrawn by log-update, with log lines printed
 * above it so they never break it. Without a terminal: one plain line per stage. `--quiet`: nothing.
 * The text itself comes from pure functions (tested without a terminal).
 */
import { createLogUpdate } from 'log-update';
import type { StageName } from '../pipeline/summary.js';

export type ProgressMode = 'terminal' | 'lines' | 'quiet';

export function progressMode(
  opts: { quiet?: boolean | undefined },
  stream: { isTTY?: boolean },
): ProgressMode {
  if (opts.quiet) return 'quiet';
  return stream.isTTY === true ? 'terminal' : 'lines';
}

export interface TaskProgress {
  task: string;
  done: number;
  total: number | null;
  unit: 'bytes' | 'occupations';
  startedAt: number;
}

const STAGE_LABEL: Record<StageName, string> = {
  fetch: 'fetching sources',
  noChange: 'comparing inputs with latest',
  read: 'reading and validating',
  checks: 'quality checks',
  careeronestop: 'CareerOneStop',
  build: 'building and scoring',
  publish: 'gates and publish',
};

function mib(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(bytes < 10_485_760 ? 1 : 0)} MiB`;
}

export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `[██████░░░░░░] 120/830 occupations  ETA 5m54s`; without a total, just the count. */
export function barText(p: TaskProgress, now: number, width = 24): string {
  const count = (n: number) => (p.unit === 'bytes' ? mib(n) : String(n));
  const counts =
    p.unit === 'bytes' && p.total
      ? `${mib(p.done).replace(' MiB', '')}/${mib(p.total)}`
      : `${count(p.done)}/${count(p.total ?? 0)} ${p.unit}`;
  if (!p.total || p.total <= 0) return `${count(p.done)} ${p.unit === 'bytes' ? '' : p.unit}`.trimEnd();
  const share = Math.min(1, p.done / p.total);
  const filled = Math.round(share * width);
  const elapsed = now - p.startedAt;
  const eta = p.done > 0 && share < 1 ? `  ETA ${duration((elapsed / p.done) * (p.total - p.done))}` : '';
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${counts}${eta}`;
}

/** The live line: `run-… ▸ CareerOneStop  [████░░] 120/830 occupations  ETA 5m54s  (1m02s)`. */
export function liveText(
  s: { stage: StageName | null; task: TaskProgress | null; startedAt: number },
  now: number,
  columns = 80,
): string {
  const stage = s.stage ? STAGE_LABEL[s.stage] : 'starting';
  const elapsed = `  (${duration(now - s.startedAt)})`;
  if (!s.task) return `▸ ${stage}${elapsed}`;
  const bar = `  ${barText(s.task, now, 20)}`;
  if (s.task.unit !== 'bytes') return `▸ ${stage}${bar}${elapsed}`;
  // A download: its name in the room left, so the line never wraps.
  const room = Math.max(0, columns - 1 - `▸ ${bar}`.length);
  return `▸ ${s.task.task.slice(0, room)}${bar}`;
}

export interface RefreshProgressDisplay {
  stage(stage: StageName, state: 'start' | 'end'): void;
  progress(task: string, done: number, total: number | null, unit: 'bytes' | 'occupations'): void;
  /** A finished log line: printed above the live line (terminal) or as is. */
  log(line: string): void;
  /** Remove the live line (before the summary is printed). */
  stop(): void;
}

type Out = { write(text: string): unknown; isTTY?: boolean; columns?: number; rows?: number };

/**
 * log-update draws nothing on a terminal that reports 0 rows or columns (a pseudo-terminal without
 * a size, e.g. under `script` or a CI runner): give it the usual 80×24 then.
 */
function sized(out: Out): NodeJS.WriteStream {
  return {
    write: (text: string) => out.write(text),
    isTTY: out.isTTY === true,
    get columns() {
      return out.columns || 80;
    },
    get rows() {
      return out.rows || 24;
    },
  } as unknown as NodeJS.WriteStream;
}

export function createProgressDisplay(
  mode: ProgressMode,
  runId: string,
  out: Out = process.stderr,
  now: () => number = Date.now,
): RefreshProgressDisplay {
  const state = {
    runId,
    stage: null as StageName | null,
    task: null as TaskProgress | null,
    startedAt: now(),
  };
  const stageStart = new Map<StageName, number>();
  const stamp = () => new Date(now()).toISOString().slice(11, 19);
  if (mode !== 'terminal') {
    let lastTenth = -1;
    return {
      stage(stage, phase) {
        if (mode === 'quiet') return;
        if (phase === 'start') {
          stageStart.set(stage, now());
          out.write(`${stamp()} ${runId} ${STAGE_LABEL[stage]}…\n`);
        } else {
          out.write(
            `${stamp()} ${runId} ${STAGE_LABEL[stage]} done (${duration(now() - (stageStart.get(stage) ?? now()))})\n`,
          );
        }
        lastTenth = -1;
      },
      progress(task, done, total, unit) {
        // Plain output: CareerOneStop in tenths, not one line per occupation; downloads not at all.
        if (mode === 'quiet' || unit !== 'occupations' || !total) return;
        const tenth = Math.floor((done * 10) / total);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        out.write(`${stamp()} ${runId}   ${task} ${done}/${total} occupations\n`);
      },
      log: (line) => out.write(line.endsWith('\n') ? line : `${line}\n`),
      stop() {},
    };
  }
  const live = createLogUpdate(sized(out));
  let lastDraw = 0;
  let stopped = false;
  const draw = (force = false) => {
    const t = now();
    if (stopped) return;
    // At most ~10 redraws a second: a download reports every chunk.
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    live(liveText(state, t, out.columns || 80));
  };
  const timer = setInterval(() => draw(true), 1000);
  timer.unref();
  live.persist(`${stamp()} refresh ${runId}`);
  return {
    stage(stage, phase) {
      if (phase === 'start') {
        state.stage = stage;
        state.task = null;
        stageStart.set(stage, now());
      } else {
        live.persist(
          `${stamp()} ${STAGE_LABEL[stage]} done (${duration(now() - (stageStart.get(stage) ?? now()))})`,
        );
        state.task = null;
      }
      draw(true);
    },
    progress(task, done, total, unit) {
      if (!state.task || state.task.task !== task) state.task = { task, done, total, unit, startedAt: now() };
      state.task.done = done;
      state.task.total = total;
      draw(done === total);
    },
    log(line) {
      if (stopped) {
        out.write(line.endsWith('\n') ? line : `${line}\n`);
        return;
      }
      live.persist(line.replace(/\n$/, ''));
      draw(true);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      live.clear();
      live.done();
    },
  };
}

/**
 * A live status line on a terminal for `trigger --wait`: `update` redraws it, `log` prints a line
 * above it. Off a terminal `update` is ignored (the caller prints plain lines instead).
 */
export function createLiveLine(terminal: boolean, out: Out = process.stderr) {
  const live = terminal ? createLogUpdate(sized(out)) : undefined;
  let stopped = false;
  let current = '';
  return {
    update(text: string) {
      current = text;
      if (live && !stopped) live(text);
    },
    log(line: string) {
      const text = line.replace(/\n$/, '');
      if (!live || stopped) out.write(`${text}\n`);
      else {
        live.persist(text);
        if (current) live(current);
      }
    },
    stop() {
      if (stopped || !live) return;
      stopped = true;
      live.clear();
      live.done();
      if (current) out.write(`${current}\n`);
    },
  };
}
