/**
 * The slots the CareerOneStop pacer grants, read from Redis's MONITOR feed on Redis's clock: what the
 * pacer promises can be checked exactly, however late a loaded machine runs the requests afterwards.
 * MONITOR is read from a plain socket: a client library's command queue is not made for a
 * connection that only streams.
 */
import net from 'node:net';

/** Timers may fire up to 1 ms early and both clocks count whole ms: the slack a comparison allows. */
export const CLOCK_SLACK_MS = 2;

/** `+1700000000.123456 [0 lua] "SET" "key" "42"` → source `lua`, args `['SET', 'key', '42']`. */
function parseMonitorLine(line: string): { source: string; args: string[] } | undefined {
  const m = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
  if (!m) return undefined;
  const args = [...(m[2] ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((a) => a[1] ?? '');
  return { source: m[1] ?? '', args };
}

/**
 * The pacer's granted slots, in Redis time (ms), from MONITOR: each take is an EVAL of the GCRA
 * script on the pace key followed by the script's own `SET key <slot + interval>`.
 */
export async function watchSlots(redisUrl: string, paceKey: string) {
  const { hostname, port } = new URL(redisUrl);
  const socket = net.connect({ host: hostname, port: Number(port || 6379) });
  socket.on('error', () => {});
  const slots: number[] = [];
  let takeInterval: number | undefined;
  let buffer = '';
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => socket.write('MONITOR\r\n'));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let i = buffer.indexOf('\r\n');
      while (i >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (line === '+OK') resolve();
        const entry = parseMonitorLine(line);
        const [command = '', ...rest] = entry?.args ?? [];
        if (/^eval$/i.test(command) && rest[2] === paceKey) {
          takeInterval = (rest[0] ?? '').includes('nextTat') ? Number(rest[3]) : undefined;
        } else if (entry?.source === 'lua' && /^set$/i.test(command) && rest[0] === paceKey && takeInterval) {
          slots.push(Number(rest[1]) - takeInterval);
        }
        i = buffer.indexOf('\r\n');
      }
    });
  });
  return {
    slots,
    close: async () => {
      socket.destroy();
    },
  };
}
