/** Webhook signatures: `X-Careerdata-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-careerdata-signature';

export function signBody(body: string | Uint8Array, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

/** For receivers (and tests): constant-time check of a signature header against the raw body. */
export function verifySignature(
  body: string | Uint8Array,
  header: string | undefined,
  secret: string,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * A webhook URL as it may appear in logs and the deliveries file: the origin and a short hash.
 * Paths and queries of webhook URLs are often secrets themselves (Slack-style tokens).
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const rest = u.pathname + u.search;
    const tag = createHash('sha256').update(url).digest('hex').slice(0, 8);
    return rest === '/' || rest === '' ? `${u.origin}/ (${tag})` : `${u.origin}/… (${tag})`;
  } catch {
    return '(invalid url)';
  }
}
