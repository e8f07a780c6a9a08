/**
 * The run history: one record per run (what was asked, each stage's state and duration, how it
 * ended), behind one interface. With Redis (`REDIS_URL` set, as every worker deployment has it) the
 * history is Redis (queue/runs/runStore.ts), and embedded runs are recorded there too; without it, one
 * JSON file per run under RUNS_DIR. `careerdata runs` reads whichever the configuration names.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SourceId } from '../config.js';
import type { RefreshSummary, RunOutcome, RunStatus, RunTrigger, StageName } from './summary.js';

export type RunState = 'queued' | 'running' | RunStatus;

export interface RunMeta {
  runId: string;
  trigger: RunTrigger;
  sources: SourceId[];
  force: boolean;
  queuedAt: string;
}

export interface StageRecord {
  /** `cancelled`: still under way when the run ended (failed or blocked elsewhere). */
  state: 'active' | 'done' | 'retrying' | 'failed' | 'cancelled';
  startedAt: string;
  finishedAt?: string;
  ms?: number;
  /** 1-based attempt that this record describes. */
  attempt: number;
  error?: string;
  /** Worker name (host:pid) that ran the attempt. */
  worker?: string;
}

export interface RunRecord extends RunMeta {
  status: RunState;
  startedAt: string | null;
  finishedAt: string | null;
  /** Keyed by stage (`fetch:oews`, `read`, `checks`, `careeronestop`, `build`, `publish`). */
  stages: Record<string, StageRecord>;
  careeronestop?: { total: number; done: number; failed: number };
  outcome?: RunOutcome;
}

export interface RunHistory {
  /** Record a run that has ended (an embedded run: the queue records its runs as they go). */
  recordFinished(run: RunRecord): Promise<void>;
  get(runId: string): Promise<RunRecord | null>;
  /** Newest first. */
  list(limit?: number): Promise<RunRecord[]>;
}

/**
 * An embedded run's record. Its stages ran one after another; `stageStarts` (from the driver's
 * onStage hook) gives their start times, else the run's start stands in.
 */
export function runRecordOf(
  summary: RefreshSummary,
  opts: { force: boolean; stageStarts?: Partial<Record<StageName, string>> },
): RunRecord {
  const { runId, trigger, sources, startedAt, finishedAt, stages, ...outcome } = summary;
  const failedIn = summary.failedStage?.split(':')[0];
  const records: Record<string, StageRecord> = {};
  for (const [name, ms] of Object.entries(stages) as [StageName, number][]) {
    const failed = summary.status === 'failed' && name === failedIn;
    const stageStart = opts.stageStarts?.[name] ?? startedAt;
    records[failed && summary.failedStage ? summary.failedStage : name] = {
      state: failed ? 'failed' : 'done',
      startedAt: stageStart,
      finishedAt: new Date(Date.parse(stageStart) + ms).toISOString(),
      ms,
      attempt: 1,
      ...(failed && summary.error ? { error: summary.error } : {}),
    };
  }
  return {
    runId,
    trigger,
    sources: sources as SourceId[],
    force: opts.force,
    queuedAt: startedAt,
    status: summary.status,
    startedAt,
    finishedAt,
    stages: records,
    outcome,
  };
}

/** Embedded mode without Redis: one JSON file per run under RUNS_DIR. */
export class FileRunHistory implements RunHistory {
  constructor(private readonly dir: string) {}

  async recordFinished(run: RunRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `${run.runId}.json`);
    const tmp = `${file}.tmp-${process.pid}`;
    await writeFile(tmp, `${JSON.stringify(run, null, 2)}\n`);
    await rename(tmp, file);
  }

  async get(runId: string): Promise<RunRecord | null> {
    if (!/^run-[\w-]+$/.test(runId)) return null;
    try {
      return JSON.parse(await readFile(path.join(this.dir, `${runId}.json`), 'utf8')) as RunRecord;
    } catch {
      return null;
    }
  }

  async list(limit = 50): Promise<RunRecord[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.startsWith('run-') && n.endsWith('.json'));
    } catch {
      return [];
    }
    names.sort().reverse();
    const runs = await Promise.all(names.slice(0, limit).map((n) => this.get(n.slice(0, -'.json'.length))));
    return runs.filter((r): r is RunRecord => r !== null);
  }
}
