/**
 * Delivers one event to one webhook: POST of the JSON body, signed, retried with exponential
 * backoff (and Retry-After) on network errors, timeouts and the statuses http/retryPolicy.ts calls
 * retryable (408/425/429, 5xx but 501/505); other statuses are final.
 * Every attempt is recorded. Stops at `deadline` whatever the attempt count.
 */
import { request } from 'undici';
import { abortableSleep, isRetryableStatus, parseRetryAfter, retryDelay } from '../http/retryPolicy.js';
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
    let retryAfter: number | undefined;
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
      final = !isRetryableStatus(status);
      const header = res.headers['retry-after'];
      retryAfter = parseRetryAfter(Array.isArray(header) ? header[0] : header, Date.now());
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
    const delayMs = retryDelay({
      attempt,
      baseMs: settings.baseDelayMs,
      maxMs: settings.maxDelayMs,
      retryAfterMs: retryAfter,
    });
    // The deadline ends the wait early; the next turn records the delivery as abandoned.
    await abortableSleep(Math.min(settings.maxDelayMs, delayMs), deadline).catch(() => undefined);
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
