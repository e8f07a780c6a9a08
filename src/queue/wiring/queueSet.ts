/** The queues of one deployment (QUEUE_PREFIX), opened on a shared connection; one place names them. */
import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUES } from './names.js';

export interface QueueSet {
  refresh: Queue;
  careeronestop: Queue;
  control: Queue;
}

export function openQueues(redis: Redis, prefix: string): { queues: QueueSet; flows: FlowProducer } {
  const queues = {
    refresh: new Queue(QUEUES.refresh, { connection: redis, prefix }),
    careeronestop: new Queue(QUEUES.careeronestop, { connection: redis, prefix }),
    control: new Queue(QUEUES.control, { connection: redis, prefix }),
  };
  const flows = new FlowProducer({ connection: redis, prefix });
  // Connection errors are reported once, by the owner of `redis`; without a listener BullMQ would
  // print every one of them, with its stack, to the console.
  for (const queue of Object.values(queues)) queue.on('error', () => {});
  flows.on('error', () => {});
  return { queues, flows };
}
