/**
 * Delivers one event to one webhook: POST of the JSON body, signed, retried with exponential
 * backoff (and Retry-After) on network errors, timeouts, 408/425/429 and 5xx; other 4xx are final.
 * Every attempt is recorded. Stops at `deadline` whatever the attempt count.
 */
import { request } from 'undici';
import type { Logger } from '../log.js';
import type { DeliveryAttempt, DeliveryRecorder } from './deliveryLog.js';
import type { ChangeEvent } from './events.js';
import { redactUrl, SIGNATURE_HEADER, signBody } from './signature.js';
import { standardWebhookHeaders } from './standardWebhooks.js';

export interface WebhookSettings {
  /** Signs every delivery (Standard Webhooks `v1`, and the deprecated X-Careerdata-Signature). */
  secret: string;
  /** During a rotation: the next secret, signed with too, so receivers can switch at any time. */
  nextSecret?: string | undefined;
  /** Per attempt: connect + response headers + body. */
  timeoutMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  userAgent: string;
}

export interface DeliveryResult {
  target: string;
  delivered: boolean;
  attempts: number;
  lastStatus: number | null;
}

const RETRYABLE_STATUS = new Set([408, 425, 429]);

function retryAfterMs(header: string | string[] | undefined): number | null {
  const v = Array.isArray(header) ? header[0] : header;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, t - Date.now());
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function deliverWebhook(
  url: string,
  event: ChangeEvent,
  body: string,
  settings: WebhookSettings,
  deadline: AbortSignal,
  record: DeliveryRecorder,
  log: Logger,
): Promise<DeliveryResult> {
  const target = redactUrl(url);
  const headers = {
    'content-type': 'application/json',
    'user-agent': settings.userAgent,
    // Deprecated: the Standard Webhooks headers replace it; kept for one release, then removed.
    [SIGNATURE_HEADER]: signBody(body, settings.secret),
    'x-careerdata-event': event.type,
    'x-careerdata-delivery': event.id,
  };
  const secrets = settings.nextSecret ? [settings.secret, settings.nextSecret] : [settings.secret];
  let lastStatus: number | null = null;
  for (let attempt = 1; attempt <= settings.maxAttempts; attempt++) {
    const started = Date.now();
    let status: number | null = null;
    let error: string | undefined;
    let retryAfter: number | null = null;
    let final = false;
    if (deadline.aborted) {
      await safeRecord(record, log, {
        at: new Date().toISOString(),
        eventId: event.id,
        eventType: event.type,
        target,
        attempt,
        outcome: 'abandoned',
        status: lastStatus,
        error: 'overall delivery deadline passed',
        durationMs: 0,
      });
      return { target, delivered: false, attempts: attempt - 1, lastStatus };
    }
    try {
      const res = await request(url, {
        method: 'POST',
        body,
        headers: {
          ...headers,
          // Signed per attempt: the timestamp is when this attempt was sent.
          ...standardWebhookHeaders(event.id, body, secrets),
          'x-careerdata-attempt': String(attempt),
        },
        headersTimeout: settings.timeoutMs,
        bodyTimeout: settings.timeoutMs,
        signal: AbortSignal.any([deadline, AbortSignal.timeout(settings.timeoutMs)]),
      });
      status = res.statusCode;
      await res.body.dump().catch(() => undefined);
      if (status >= 200 && status < 300) {
        await safeRecord(record, log, {
          at: new Date().toISOString(),
          eventId: event.id,
          eventType: event.type,
          target,
          attempt,
          outcome: 'delivered',
          status,
          durationMs: Date.now() - started,
        });
        return { target, delivered: true, attempts: attempt, lastStatus: status };
      }
      error = `HTTP ${status}`;
      final = status < 500 && !RETRYABLE_STATUS.has(status);
      retryAfter = retryAfterMs(res.headers['retry-after']);
    } catch (err) {
      error = deadline.aborted ? 'overall delivery deadline passed' : (err as Error).message || String(err);
    }
    lastStatus = status;
    const last = final || attempt === settings.maxAttempts || deadline.aborted;
    const outcome: DeliveryAttempt['outcome'] = deadline.aborted ? 'abandoned' : last ? 'failed' : 'retrying';
    await safeRecord(record, log, {
      at: new Date().toISOString(),
      eventId: event.id,
      eventType: event.type,
      target,
      attempt,
      outcome,
      status,
      ...(error ? { error } : {}),
      durationMs: Date.now() - started,
    });
    if (last) {
      log.warn({ target, eventId: event.id, attempts: attempt, status, error }, 'webhook delivery failed');
      return { target, delivered: false, attempts: attempt, lastStatus };
    }
    const backoff = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
    const jittered = backoff / 2 + Math.random() * (backoff / 2);
    await sleep(Math.min(settings.maxDelayMs, Math.max(jittered, retryAfter ?? 0)), deadline);
  }
  return { target, delivered: false, attempts: settings.maxAttempts, lastStatus };
}

async function safeRecord(record: DeliveryRecorder, log: Logger, attempt: DeliveryAttempt): Promise<void> {
  try {
    await record(attempt);
  } catch (err) {
    log.warn({ err }, 'could not record a webhook delivery attempt');
  }
}
