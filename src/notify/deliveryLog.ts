/** One NDJSON line per webhook delivery attempt (the deliveries log beside the run records). */
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface DeliveryAttempt {
  at: string;
  eventId: string;
  eventType: string;
  /** Redacted (origin + hash): webhook paths can be secrets. */
  target: string;
  attempt: number;
  /** delivered: 2xx · retrying: failed, another attempt follows · failed: gave up · abandoned: overall deadline hit. */
  outcome: 'delivered' | 'retrying' | 'failed' | 'abandoned';
  status: number | null;
  error?: string;
  durationMs: number;
}

export type DeliveryRecorder = (attempt: DeliveryAttempt) => Promise<void>;

export function fileDeliveryRecorder(file: string): DeliveryRecorder {
  let ready: Promise<unknown> | null = null;
  return async (attempt) => {
    ready ??= fs.mkdir(path.dirname(file), { recursive: true });
    await ready;
    await fs.appendFile(file, JSON.stringify(attempt) + '\n');
  };
}

export async function readDeliveryLog(file: string): Promise<DeliveryAttempt[]> {
  try {
    const text = await fs.readFile(file, 'utf8');
    return text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as DeliveryAttempt);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
