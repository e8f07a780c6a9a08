/** Helpers for the HTTP-layer tests: a log capture, a client with small limits, temp dirs. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { HttpClient, type HttpClientOptions } from '../../src/http/httpClient.js';

export interface LogCapture {
  log: pino.Logger;
  lines: string[];
  /** Parsed JSON log records. */
  records(): Array<Record<string, unknown>>;
}

/** A pino logger writing JSON lines into memory. Deliberately without secrets: the client must scrub on its own. */
export function captureLog(): LogCapture {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { log, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

export const TEST_USER_AGENT = 'careerdata-test/0.1 (ops@example.org)';

/** A client with test-sized timeouts and limits and a sleep that records delays instead of waiting. */
export function testClient(overrides: Partial<HttpClientOptions> = {}): {
  http: HttpClient;
  capture: LogCapture;
  delays: number[];
} {
  const capture = captureLog();
  const delays: number[] = [];
  const http = new HttpClient({
    userAgent: TEST_USER_AGENT,
    connectTimeoutMs: 2_000,
    headersTimeoutMs: 2_000,
    bodyTimeoutMs: 2_000,
    maxAttempts: 3,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 50,
    maxBodyBytes: 10_000_000,
    log: capture.log,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...overrides,
  });
  return { http, capture, delays };
}

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `careerdata-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
