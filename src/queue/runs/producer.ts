/**
 * The producer side (CLI trigger/runs/schedule, the API's admin routes): one fail-fast Redis
 * connection, the queues and flow producer, the run history. Nothing here processes jobs.
 */
import type { FlowProducer } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import type { EventSink } from '../../notify/events.js';
import { closeRedis, producerRedis, waitForRedis } from '../wiring/connection.js';
import { type Keys, keys as keysFor } from '../wiring/names.js';
import { openQueues, type QueueSet } from '../wiring/queueSet.js';
import {
  type RefreshRequest,
  type RefreshTicket,
  type RequestDeps,
  requestRefresh,
} from './requestRefresh.js';
import { RunStore } from './runStore.js';

export interface Producer {
  redis: Redis;
  keys: Keys;
  queues: QueueSet;
  flows: FlowProducer;
  runs: RunStore;
  request(req: RefreshRequest): Promise<RefreshTicket>;
  close(): Promise<void>;
}

/**
 * Build a producer without waiting for Redis: the connection comes up in the background and every
 * call fails fast while it is down (`ready()` says whether it is up). For servers that must start
 * whatever Redis is doing.
 */
export function createProducer(
  config: Config,
  log: Logger,
  opts: { name?: string; events?: EventSink } = {},
): Producer & { ready(): boolean } {
  const redis = producerRedis(config.REDIS_URL!, opts.name ?? 'careerdata-producer');
  redis.on('error', (err) => log.debug({ err: err.message }, 'redis connection error'));
  const prefix = config.QUEUE_PREFIX;
  const keys = keysFor(prefix);
  const { queues, flows } = openQueues(redis, prefix);
  const runs = new RunStore(redis, keys);
  const deps: RequestDeps = { config, log, runs, flows, queues, events: opts.events };
  return {
    redis,
    keys,
    queues,
    flows,
    runs,
    ready: () => redis.status === 'ready',
    request: (req) => requestRefresh(deps, req),
    close: async () => {
      await Promise.allSettled([...Object.values(queues).map((q) => q.close()), flows.close()]);
      await closeRedis(redis);
    },
  };
}

/** A producer for a command line: waits (bounded) for Redis, else a clear RedisUnavailableError. */
export async function openProducer(
  config: Config,
  log: Logger,
  opts: { name?: string; connectTimeoutMs?: number; events?: EventSink } = {},
): Promise<Producer> {
  const producer = createProducer(config, log, opts);
  try {
    await waitForRedis(producer.redis, config.REDIS_URL!, opts.connectTimeoutMs ?? 5_000);
  } catch (err) {
    await producer.close().catch(() => undefined);
    throw err;
  }
  return producer;
}
