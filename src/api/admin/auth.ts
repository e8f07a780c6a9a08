/**
 * The admin token check (pure). `Authorization: Bearer <ADMIN_TOKEN>` for API clients, and HTTP
 * Basic with the token as the password (any user name) so a browser can open the dashboard: its
 * 401 asks for Basic credentials and the browser then sends them with every asset request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** `malformed`: credentials were sent but not as one Bearer token or a Basic pair. */
export type AuthResult = 'ok' | 'missing' | 'malformed' | 'wrong' | 'disabled';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison (hash first, so lengths do not leak either). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function presentedToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  // Exactly `<scheme> <credentials>`: `Bearer <token> junk` is not a token.
  const parts = authorization.trim().split(/\s+/);
  if (parts.length !== 2) return undefined;
  const [scheme, value] = parts;
  if (!scheme || !value) return undefined;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    return i >= 0 ? decoded.slice(i + 1) : undefined;
  }
  return undefined;
}

export function checkAdmin(authorization: string | undefined, adminToken: string | undefined): AuthResult {
  if (!adminToken) return 'disabled';
  if (!authorization?.trim()) return 'missing';
  const token = presentedToken(authorization);
  if (token === undefined) return 'malformed';
  return sameSecret(token, adminToken) ? 'ok' : 'wrong';
}
