/**
 * Tells consumers about change events: appends to a capped Redis stream (when Redis is configured)
 * and POSTs to every webhook in the background. `emit` returns within `streamTimeoutMs` whatever
 * Redis or the webhooks do; deliveries run on after it, each bounded by an overall deadline.
 * `idle()` waits for them (a CLI calls it before exiting).
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { type DeliveryRecorder, fileDeliveryRecorder } from './deliveryLog.js';
import type { ChangeEvent, EventSink } from './events.js';
import { type DeliveryResult, deliverWebhook, type WebhookSettings } from './webhook.js';

export interface NotifierOptions {
  log: Logger;
  /** When set, every event is XADDed to `stream`. */
  redis?: Redis | undefined;
  stream?: string;
  /** Approximate cap of the stream (XADD MAXLEN ~). */
  maxLen?: number;
  /** Longest `emit` waits for Redis before giving up on the stream entry. */
  streamTimeoutMs?: number;
  webhookUrls?: readonly string[];
  webhook?: Partial<WebhookSettings> & { secret?: string | undefined };
  /** Overall time budget of one event's deliveries, retries included. */
  deliveryDeadlineMs?: number;
  /** Starts the deadline's timer and returns its cancel (default setTimeout; tests fire it by hand). */
  startDeadline?: (fire: () => void, ms: number) => () => void;
  /** Where each delivery attempt is recorded (NDJSON file path or a function). */
  deliveries?: string | DeliveryRecorder;
}

export interface EmitOutcome {
  streamEntryId: string | null;
}

export class Notifier implements EventSink {
  private readonly pending = new Set<Promise<DeliveryResult[]>>();
  /** Results of deliveries that finished before anyone called `idle()` (a fast receiver can beat XADD). */
  private readonly settled: DeliveryResult[] = [];
  private readonly controllers = new Set<AbortController>();
  private readonly record: DeliveryRecorder;
  private readonly settings: WebhookSettings | null;

  constructor(private readonly opts: NotifierOptions) {
    const d = opts.deliveries;
    this.record = typeof d === 'function' ? d : d ? fileDeliveryRecorder(d) : async () => undefined;
    const urls = opts.webhookUrls ?? [];
    if (urls.length > 0 && !opts.webhook?.secret) {
      throw new Error('Notifier: webhook URLs are configured but no WEBHOOK_SECRET to sign deliveries');
    }
    this.settings =
      urls.length > 0
        ? {
            secret: opts.webhook!.secret!,
            nextSecret: opts.webhook?.nextSecret,
            timeoutMs: opts.webhook?.timeoutMs ?? 5_000,
            maxAttempts: opts.webhook?.maxAttempts ?? 4,
            baseDelayMs: opts.webhook?.baseDelayMs ?? 1_000,
            maxDelayMs: opts.webhook?.maxDelayMs ?? 30_000,
            userAgent: opts.webhook?.userAgent ?? 'careerdata-webhook/1',
          }
        : null;
  }

  async emit(event: ChangeEvent): Promise<void> {
    await this.emitWithOutcome(event);
  }

  /** Like emit, also returning the stream entry id (null when there is no Redis or it failed). */
  async emitWithOutcome(event: ChangeEvent): Promise<EmitOutcome> {
    const body = JSON.stringify(event);
    this.startDeliveries(event, body);
    const streamEntryId = await this.appendToStream(event, body);
    return { streamEntryId };
  }

  /** Number of events whose webhook deliveries are still running. */
  get pendingDeliveries(): number {
    return this.pending.size;
  }

  /**
   * Wait until every background delivery has finished or hit its deadline; returns the results of
   * every delivery finished since the previous call.
   */
  async idle(): Promise<DeliveryResult[]> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    return this.settled.splice(0);
  }

  /** Abandon deliveries still in progress (each records `abandoned`). */
  async close(): Promise<void> {
    for (const c of this.controllers) c.abort();
    await this.idle();
  }

  private async appendToStream(event: ChangeEvent, body: string): Promise<string | null> {
    const { redis, log } = this.opts;
    if (!redis) return null;
    const stream = this.opts.stream ?? 'careerdata:events';
    const maxLen = this.opts.maxLen ?? 10_000;
    const timeoutMs = this.opts.streamTimeoutMs ?? 2_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const add = redis.xadd(
        stream,
        'MAXLEN',
        '~',
        String(maxLen),
        '*',
        'type',
        event.type,
        'id',
        event.id,
        'event',
        body,
      );
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs);
      });
      return (await Promise.race([add, timeout])) ?? null;
    } catch (err) {
      log.warn(
        { err, stream, eventType: event.type },
        'could not append the change event to the Redis stream',
      );
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private startDeliveries(event: ChangeEvent, body: string): void {
    const urls = this.opts.webhookUrls ?? [];
    if (!this.settings || urls.length === 0) return;
    const settings = this.settings;
    const controller = new AbortController();
    const startDeadline = this.opts.startDeadline ?? startTimer;
    const cancelDeadline = startDeadline(() => controller.abort(), this.opts.deliveryDeadlineMs ?? 60_000);
    this.controllers.add(controller);
    const p = Promise.all(
      urls.map((url) =>
        deliverWebhook(url, event, body, settings, controller.signal, this.record, this.opts.log),
      ),
    )
      .then((results) => {
        this.settled.push(...results);
        // A long-lived process may never call idle(): keep only the latest results.
        if (this.settled.length > 1_000) this.settled.splice(0, this.settled.length - 1_000);
        return results;
      })
      .finally(() => {
        cancelDeadline();
        this.controllers.delete(controller);
        this.pending.delete(p);
      });
    this.pending.add(p);
  }
}

function startTimer(fire: () => void, ms: number): () => void {
  const timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
}

/** The notifier the configuration asks for (Redis stream only when REDIS_URL was set explicitly). */
export function notifierFromConfig(
  config: Pick<
    Config,
    | 'EVENTS_STREAM'
    | 'EVENTS_STREAM_MAXLEN'
    | 'WEBHOOK_URLS'
    | 'WEBHOOK_SECRET'
    | 'WEBHOOK_SECRET_NEXT'
    | 'WEBHOOK_TIMEOUT'
    | 'WEBHOOK_MAX_ATTEMPTS'
    | 'redisConfigured'
  >,
  deps: { log: Logger; redis?: Redis | undefined; deliveriesLog?: string; deliveryDeadlineMs?: number },
): Notifier {
  return new Notifier({
    log: deps.log,
    redis: config.redisConfigured ? deps.redis : undefined,
    stream: config.EVENTS_STREAM,
    maxLen: config.EVENTS_STREAM_MAXLEN,
    webhookUrls: config.WEBHOOK_URLS,
    webhook: {
      secret: config.WEBHOOK_SECRET,
      nextSecret: config.WEBHOOK_SECRET_NEXT,
      timeoutMs: config.WEBHOOK_TIMEOUT,
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    },
    ...(deps.deliveriesLog ? { deliveries: deps.deliveriesLog } : {}),
    ...(deps.deliveryDeadlineMs ? { deliveryDeadlineMs: deps.deliveryDeadlineMs } : {}),
  });
}
