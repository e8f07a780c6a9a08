/**
 * The admin token check (pure). `Authorization: Bearer <ADMIN_TOKEN>` for API clients, and HTTP
 * Basic with the token as the password (any user name) so a browser can open the dashboard: its
 * 401 asks for Basic credentials and the browser then sends them with every asset request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type AuthResult = 'ok' | 'missing' | 'wrong' | 'disabled';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison (hash first, so lengths do not leak either). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function presentedToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [scheme, value] = authorization.trim().split(/\s+/, 2);
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
  const token = presentedToken(authorization);
  if (token === undefined) return 'missing';
  return sameSecret(token, adminToken) ? 'ok' : 'wrong';
}
