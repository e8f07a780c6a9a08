/**
 * The worker's run history in Redis: one hash per run (what was asked, each stage's state and
 * duration, the outcome with its quality, gate or error report) and a sorted set of run ids by
 * time. Writers are many processes at once, so every multi-field change is one Lua script and
 * "finish" happens exactly once per run (the caller that finishes it tells the world).
 *
 * The active-run key makes "one refresh at a time" a Redis fact: a trigger while a run is queued
 * or running gets that run's id back instead of starting a second one.
 */
import type { Redis } from 'ioredis';
import type { RunHistory, RunMeta, RunRecord, RunState, StageRecord } from '../../pipeline/runHistory.js';
import type { RunOutcome, StageName } from '../../pipeline/summary.js';
import type { Keys } from '../wiring/names.js';

export type { RunMeta, RunOutcome, RunRecord, RunState, StageRecord };

/** Finished runs are kept this long and at most this many. */
export const RUN_RETENTION = { seconds: 180 * 86_400, count: 1_000 } as const;

const CLAIM = `
if redis.call('EXISTS', KEYS[3]) == 1 then return {ARGV[1], 0} end
local cur = redis.call('GET', KEYS[1])
if cur then
  local ck = ARGV[4] .. cur
  if redis.call('EXISTS', ck) == 1 and redis.call('HEXISTS', ck, 'finishedAt') == 0 then
    return {cur, 0}
  end
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[3], 'meta', ARGV[2], 'status', 'queued')
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local n = redis.call('ZCARD', KEYS[2])
if n > tonumber(ARGV[5]) then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, n - tonumber(ARGV[5]) - 1) end
return {ARGV[1], 1}
`;

const STAGE = `
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'finishedAt') == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] ~= '' then
  redis.call('HSETNX', KEYS[1], 'startedAt', ARGV[3])
  if redis.call('HGET', KEYS[1], 'status') == 'queued' then redis.call('HSET', KEYS[1], 'status', 'running') end
end
return 1
`;

// Finishing also closes every stage still active or retrying (a sibling of the stage that failed
// the run): its own end would come after the run's and is not recorded, so it never stays "active".
const FINISH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HEXISTS', KEYS[1], 'finishedAt') == 1 then return 0 end
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 6) == 'stage:' then
    local rec = cjson.decode(fields[i + 1])
    if rec.state == 'active' or rec.state == 'retrying' then
      rec.state = 'cancelled'
      rec.finishedAt = ARGV[4]
      rec.error = 'not finished when the run ended (' .. ARGV[2] .. ')'
      redis.call('HSET', KEYS[1], fields[i], cjson.encode(rec))
    end
  end
end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'outcome', ARGV[3], 'finishedAt', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export class RunStore implements RunHistory {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Record a new run and make it the active one, unless a run is already queued or running (or
   * this very id exists): then nothing changes and that run's id comes back with `created: false`.
   */
  async claim(meta: RunMeta): Promise<{ runId: string; created: boolean }> {
    const [runId, created] = (await this.redis.eval(
      CLAIM,
      3,
      this.keys.activeRun,
      this.keys.runs,
      this.keys.run(meta.runId),
      meta.runId,
      JSON.stringify(meta),
      Date.parse(meta.queuedAt),
      this.keys.run(''),
      RUN_RETENTION.count,
    )) as [string, number];
    return { runId, created: created === 1 };
  }

  /** Give up the active slot (e.g. the flow could not be enqueued); only if it is still ours. */
  async release(runId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.keys.activeRun, runId);
  }

  async activeRunId(): Promise<string | null> {
    return this.redis.get(this.keys.activeRun);
  }

  async stageStarted(runId: string, stage: string, attempt: number, worker?: string): Promise<void> {
    const at = this.now().toISOString();
    const rec: StageRecord = { state: 'active', startedAt: at, attempt, ...(worker ? { worker } : {}) };
    await this.redis.eval(STAGE, 1, this.keys.run(runId), `stage:${stage}`, JSON.stringify(rec), at);
  }

  async stageEnded(
    runId: string,
    stage: string,
    rec: Omit<StageRecord, 'finishedAt'> & { state: 'done' | 'retrying' | 'failed' },
  ): Promise<void> {
    const full: StageRecord = { ...rec, finishedAt: this.now().toISOString() };
    await this.redis.eval(STAGE, 1, this.keys.run(runId), `stage:${stage}`, JSON.stringify(full), '');
  }

  async careerOneStopPlanned(runId: string, total: number): Promise<void> {
    await this.redis.hset(
      this.keys.run(runId),
      'careerOneStop:total',
      total,
      'careerOneStop:done',
      0,
      'careerOneStop:failed',
      0,
    );
  }

  async careerOneStopCounted(runId: string, what: 'done' | 'failed'): Promise<void> {
    await this.redis.hincrby(this.keys.run(runId), `careerOneStop:${what}`, 1);
  }

  /** Finish the run once; true for the caller that finished it (and so must announce it). */
  async finish(runId: string, outcome: RunOutcome): Promise<boolean> {
    const result = await this.redis.eval(
      FINISH,
      2,
      this.keys.run(runId),
      this.keys.activeRun,
      runId,
      outcome.status,
      JSON.stringify(outcome),
      this.now().toISOString(),
      RUN_RETENTION.seconds,
    );
    return result === 1;
  }

  /** An embedded run (`careerdata refresh` with REDIS_URL set), recorded whole once it has ended. */
  async recordFinished(run: RunRecord): Promise<void> {
    const { status, startedAt, finishedAt, stages, outcome, careeronestop: _careerOneStop, ...meta } = run;
    const key = this.keys.run(run.runId);
    const fields: (string | number)[] = ['meta', JSON.stringify(meta), 'status', status];
    if (startedAt) fields.push('startedAt', startedAt);
    fields.push('finishedAt', finishedAt ?? this.now().toISOString());
    if (outcome) fields.push('outcome', JSON.stringify(outcome));
    for (const [stage, rec] of Object.entries(stages)) fields.push(`stage:${stage}`, JSON.stringify(rec));
    await this.redis
      .multi()
      .hset(key, ...fields)
      .expire(key, RUN_RETENTION.seconds)
      .zadd(this.keys.runs, Date.parse(run.queuedAt), run.runId)
      .zremrangebyrank(this.keys.runs, 0, -RUN_RETENTION.count - 1)
      .exec();
  }

  async get(runId: string): Promise<RunRecord | null> {
    return parseRun(await this.redis.hgetall(this.keys.run(runId)));
  }

  /** Newest first. */
  async list(limit = 50): Promise<RunRecord[]> {
    const ids = await this.redis.zrevrange(this.keys.runs, 0, Math.max(0, limit - 1));
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.keys.run(id));
    const results = (await pipe.exec()) ?? [];
    return results
      .map(([err, h]) => (err ? null : parseRun(h as Record<string, string>)))
      .filter((r): r is RunRecord => r !== null);
  }
}

export function parseRun(h: Record<string, string>): RunRecord | null {
  if (!h?.meta) return null;
  const meta = JSON.parse(h.meta) as RunMeta;
  const stages: Record<string, StageRecord> = {};
  for (const [field, value] of Object.entries(h)) {
    if (field.startsWith('stage:')) stages[field.slice('stage:'.length)] = JSON.parse(value) as StageRecord;
  }
  const total = h['careerOneStop:total'];
  return {
    ...meta,
    status: (h.status ?? 'queued') as RunState,
    startedAt: h.startedAt ?? null,
    finishedAt: h.finishedAt ?? null,
    stages,
    ...(total !== undefined
      ? {
          careeronestop: {
            total: Number(total),
            done: Number(h['careerOneStop:done'] ?? 0),
            failed: Number(h['careerOneStop:failed'] ?? 0),
          },
        }
      : {}),
    ...(h.outcome ? { outcome: JSON.parse(h.outcome) as RunOutcome } : {}),
  };
}

export const STAGE_ORDER: StageName[] = ['fetch', 'read', 'checks', 'careeronestop', 'build', 'publish'];

/**
 * Wall time per stage (ms). `fetch` spans the parallel per-source fetches, from the first start to
 * the last end; the per-source figures stay under `fetch:<source>`.
 */
export function stageDurations(run: Pick<RunRecord, 'stages'>): Partial<Record<string, number>> {
  const out: Partial<Record<string, number>> = {};
  let fetchStart = Number.POSITIVE_INFINITY;
  let fetchEnd = Number.NEGATIVE_INFINITY;
  for (const [name, s] of Object.entries(run.stages)) {
    if (s.ms !== undefined && s.state === 'done') out[name] = s.ms;
    if (name.startsWith('fetch:') && s.state === 'done' && s.finishedAt) {
      fetchStart = Math.min(fetchStart, Date.parse(s.finishedAt) - (s.ms ?? 0));
      fetchEnd = Math.max(fetchEnd, Date.parse(s.finishedAt));
    }
  }
  if (Number.isFinite(fetchStart)) out.fetch = Math.round(fetchEnd - fetchStart);
  return out;
}
