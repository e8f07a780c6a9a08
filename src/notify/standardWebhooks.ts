/**
 * Standard Webhooks (https://www.standardwebhooks.com/) signing: every delivery carries
 *   webhook-id         the event id (the same on every retry: receivers drop duplicates by it)
 *   webhook-timestamp  Unix seconds of this attempt
 *   webhook-signature  `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, one per secret,
 *                      space-separated (two during a secret rotation)
 * A secret written `whsec_<base64>` is used as the base64-decoded bytes (the spec's form); any
 * other string as its UTF-8 bytes. `verifyStandardWebhook` is the receiver's check, documented in
 * the README; receivers can equally use any Standard Webhooks library.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';
/** How far a receiver lets a timestamp be from its own clock, either way (the spec's example). */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export function webhookKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

function signature(key: Buffer, id: string, timestamp: number, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', key).update(`${id}.${timestamp}.`);
  hmac.update(body);
  return hmac.digest('base64');
}

/** The three headers of one delivery attempt, signed with every given secret (current first). */
export function standardWebhookHeaders(
  id: string,
  body: string | Uint8Array,
  secrets: readonly string[],
  now: Date = new Date(),
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  const signatures = secrets.map((s) => `v1,${signature(webhookKey(s), id, timestamp, body)}`);
  return {
    [WEBHOOK_ID_HEADER]: id,
    [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
    [WEBHOOK_SIGNATURE_HEADER]: signatures.join(' '),
  };
}

export type WebhookCheck =
  | 'ok'
  | 'missing-headers'
  | 'bad-timestamp'
  | 'too-old'
  | 'too-new'
  | 'bad-signature';

/**
 * The receiver's check: headers present, timestamp within `toleranceSeconds` of `now`, and one of
 * the `v1` signatures made with one of `secrets` (a receiver mid-rotation lists both) over the raw
 * body. Keep the ids seen within the tolerance window to drop a replay of a fresh delivery too.
 */
export function verifyStandardWebhook(
  headers: Record<string, string | string[] | undefined>,
  body: string | Uint8Array,
  secrets: readonly string[],
  opts: { toleranceSeconds?: number; now?: Date } = {},
): WebhookCheck {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const id = one(WEBHOOK_ID_HEADER);
  const ts = one(WEBHOOK_TIMESTAMP_HEADER);
  const sigs = one(WEBHOOK_SIGNATURE_HEADER);
  if (!id || !ts || !sigs) return 'missing-headers';
  if (!/^\d+$/.test(ts)) return 'bad-timestamp';
  const timestamp = Number(ts);
  const nowSeconds = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const tolerance = opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (timestamp < nowSeconds - tolerance) return 'too-old';
  if (timestamp > nowSeconds + tolerance) return 'too-new';
  const given = sigs
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3)));
  for (const secret of secrets) {
    const expected = Buffer.from(signature(webhookKey(secret), id, timestamp, body));
    if (given.some((g) => g.length === expected.length && timingSafeEqual(g, expected))) return 'ok';
  }
  return 'bad-signature';
}
