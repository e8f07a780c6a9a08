/**
 * The slots the CareerOneStop pacer grants, read from Redis's MONITOR feed on Redis's clock: what the
 * pacer promises can be checked exactly, however late a loaded machine runs the requests afterwards.
 */
import { Redis } from 'ioredis';

/** Timers may fire up to 1 ms early and both clocks count whole ms: the slack a comparison allows. */
export const CLOCK_SLACK_MS = 2;

/**
 * The pacer's granted slots, in Redis time (ms), from MONITOR: each take is an EVAL of the GCRA
 * script on the pace key followed by the script's own `SET key <slot + interval>`.
 */
export async function watchSlots(redisUrl: string, paceKey: string) {
  const client = new Redis(redisUrl);
  const monitor = await client.monitor();
  const slots: number[] = [];
  let takeInterval: number | undefined;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const [command = '', ...rest] = args;
    if (/^eval$/i.test(command) && rest[2] === paceKey) {
      takeInterval = (rest[0] ?? '').includes('nextTat') ? Number(rest[3]) : undefined;
    } else if (source === 'lua' && /^set$/i.test(command) && rest[0] === paceKey && takeInterval) {
      slots.push(Number(rest[1]) - takeInterval);
    }
  });
  return {
    slots,
    close: async () => {
      monitor.disconnect();
      client.disconnect();
    },
  };
}
