/** The user name a browser sent with HTTP Basic (the console's default "who"); never the token. */
export function presentedUser(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [scheme, value] = authorization.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() !== 'basic' || !value) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  const user = i > 0 ? decoded.slice(0, i).trim() : '';
  return user ? user.slice(0, 100) : undefined;
}
