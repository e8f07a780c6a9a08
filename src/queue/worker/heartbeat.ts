/**
 * The worker's liveness signal for a container healthcheck: a file whose modification time the
 * worker refreshes while it can take jobs (its Redis connection is ready and every BullMQ worker is
 * running). `careerdata healthcheck` fails when the file is older than a few intervals, so a worker
 * that lost Redis or stopped taking jobs is reported unhealthy (and restarted by its supervisor).
 */
import { stat, utimes, writeFile } from 'node:fs/promises';

export const HEARTBEAT_INTERVAL_MS = 10_000;
/** A heartbeat older than this means the worker is not taking jobs. */
export const HEARTBEAT_MAX_AGE_MS = 6 * HEARTBEAT_INTERVAL_MS;

/** Beat now and every interval while `healthy()` says so; returns a stop function. */
export function startHeartbeat(
  file: string,
  healthy: () => boolean,
  intervalMs = HEARTBEAT_INTERVAL_MS,
): () => void {
  const beat = async () => {
    if (!healthy()) return;
    const now = new Date();
    await utimes(file, now, now).catch(() => writeFile(file, `${process.pid}\n`));
  };
  void beat().catch(() => undefined);
  const timer = setInterval(() => void beat().catch(() => undefined), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Age of the last heartbeat in ms, or undefined when there is none. */
export async function heartbeatAgeMs(file: string, now = Date.now()): Promise<number | undefined> {
  try {
    return Math.max(0, now - (await stat(file)).mtimeMs);
  } catch {
    return undefined;
  }
}
