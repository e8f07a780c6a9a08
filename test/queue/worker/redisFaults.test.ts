/**
 * Redis faults are survived politely: a worker stops within SHUTDOWN_TIMEOUT on SIGTERM even with its
 * Redis gone; CLI commands that need Redis say in one line which (masked) URL failed and exit
 * non-zero; errors Redis keeps returning are logged once per interval with a count.
 * Uses its own redis-server (stopped on purpose), never the shared one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepeatedErrorLog } from '../../../src/queue/worker/repeatedErrors.js';
import { captureLog } from '../../http/support.js';
import { type OwnRedis, redisServerOnPath, startRedisServer } from '../../support/redisServer.js';
import { runCli } from '../support/cli.js';
import { type QueueHarness, queueHarness } from '../support/harness.js';

describe.skipIf(!redisServerOnPath())('a worker whose Redis has gone away', () => {
  let redis: OwnRedis;
  let h: QueueHarness;
  beforeAll(async () => {
    redis = await startRedisServer();
    h = await queueHarness(redis.url, { SHUTDOWN_TIMEOUT: '4s' });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it('stops on SIGTERM within SHUTDOWN_TIMEOUT, in the middle of a job', async () => {
    const held = h.proxy.hold(/occupation\.xlsx$/);
    const worker = await h.spawnWorker();
    const producer = await h.producer();
    await producer.request({ trigger: 'manual' });
    await held.arrived;
    await producer.close();
    await redis.stop();

    worker.signal('SIGTERM');
    const exit = await worker.exited;
    held.release();
    expect(exit.code).toBe(0);
    // With Redis gone every close hangs: the worker stopped because its 4 s SHUTDOWN_TIMEOUT deadline
    // fired (it used to hang well past it). The deadline's own timing is tested on a fake clock in
    // workerProcess.test.ts.
    const deadline = worker.lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; shutdownTimeoutMs?: number })
      .find((l) => l.msg.startsWith('shutdown did not complete within SHUTDOWN_TIMEOUT'));
    expect(deadline?.shutdownTimeoutMs).toBe(4_000);
  }, 60_000);

  it.each([
    [['runs'], 'careerdata runs: worker history unavailable'],
    [['trigger'], 'careerdata trigger'],
    [['schedule', 'show'], 'careerdata schedule show'],
  ])(
    'careerdata %s says in one line which URL failed and exits 1',
    async (args, prefix) => {
      const { done } = runCli(args, {
        ...h.env(),
        REDIS_URL: `redis://:redis-secret-5@127.0.0.1:${redis.port}`,
        LOG_LEVEL: 'info',
      });
      const r = await done;
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(prefix);
      expect(lines[0]).toContain(`Redis at redis://127.0.0.1:${redis.port} is not reachable`);
      expect(r.stdout + r.stderr).not.toContain('redis-secret-5');
      expect(r.stdout).not.toMatch(/No runs yet/);
    },
    30_000,
  );
});

describe('errors Redis keeps returning', () => {
  it('are logged once per interval and kind, then with how many came since', () => {
    let clock = 0;
    const capture = captureLog();
    const errors = new RepeatedErrorLog(capture.log, 30_000, () => clock);
    const oom = (n: number) =>
      new Error(
        `OOM command not allowed when used memory > 'maxmemory'. script: ${n.toString(16)}, on @user_script:10.`,
      );
    for (let i = 0; i < 45_000; i++) {
      errors.report('worker error', oom(i), { queue: 'refresh' });
      if (i % 5_000 === 0)
        errors.report(
          'redis connection error',
          Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        );
      clock += 0.2; // 45,000 in 9 s
    }
    clock += 30_000;
    errors.report('worker error', oom(1), { queue: 'refresh' });

    const lines = capture.records();
    expect(lines.map((l) => l.msg)).toEqual([
      'worker error',
      'redis connection error',
      'worker error (44999 more since the last report)',
    ]);
    expect(lines[2]).toMatchObject({ queue: 'refresh', repeated: 44_999, intervalMs: 30_000 });
  });
});
