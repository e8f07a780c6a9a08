/**
 * Makes a real Redis available to the suite: the one at REDIS_URL / 127.0.0.1:6379 when reachable,
 * else a throw-away `redis-server` on a free port, else a clear failure saying how to install one.
 * Tests read the URL with `inject('redisUrl')` and use their own key prefix / queue names.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

function ping(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}

let child: ChildProcess | undefined;

export async function setup(project: TestProject): Promise<void> {
  const shared = path.resolve(import.meta.dirname, '../../..', 'shared/data');
  if (!existsSync(shared)) {
    console.warn(
      `careerdata tests: ${shared} not found; the tests that read the real upstream files will be skipped.`,
    );
  }
  const configured = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const u = new URL(configured);
  if (await ping(u.hostname, Number(u.port || 6379))) {
    project.provide('redisUrl', configured);
    return;
  }
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (which.status !== 0) {
    throw new Error(
      `No Redis reachable at ${configured} and no redis-server binary found. Install one ` +
        '(Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`) or set TEST_REDIS_URL.',
    );
  }
  const port = await freePort();
  child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 50; i++) {
    if (await ping('127.0.0.1', port)) {
      project.provide('redisUrl', `redis://127.0.0.1:${port}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Started redis-server on port ${port} but it did not answer PING within 5 s`);
}

export async function teardown(): Promise<void> {
  child?.kill('SIGTERM');
}
