/**
 * Local ports and throw-away `redis-server` processes, for the test setup (when no Redis answers),
 * the Redis-restart test (append-only file on, like production) and the queue benchmark.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** True when a Redis answers PING at host:port within `timeoutMs`. */
export function pingRedis(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

export function redisServerOnPath(): boolean {
  return spawnSync('sh', ['-c', 'command -v redis-server']).status === 0;
}

export interface OwnRedis {
  url: string;
  port: number;
  /** Stop and start the same server (same port, same data directory). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A `redis-server` on a free port of 127.0.0.1, answering PING before this resolves. Nothing is
 * kept on disk unless `appendOnly` (then in a temporary directory removed by `stop`).
 */
export async function startRedisServer(opts: { appendOnly?: boolean } = {}): Promise<OwnRedis> {
  const dir = opts.appendOnly ? await mkdtemp(path.join(os.tmpdir(), 'careerdata-redis-')) : undefined;
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', ''];
  if (dir) {
    args.push(
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--maxmemory-policy',
      'noeviction',
    );
  } else {
    args.push('--appendonly', 'no');
  }
  let child: ChildProcess | undefined;
  const up = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await pingRedis('127.0.0.1', port, 500)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    throw new Error(`Started redis-server on port ${port} but it did not answer PING within 5 s`);
  };
  const down = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  await up();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    restart: async () => {
      await down();
      await up();
    },
    stop: async () => {
      await down();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
