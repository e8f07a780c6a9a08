/**
 * `https://user:pass@host/…` → `https://user:***@host/…`; a user name alone (`https://token@host`)
 * may itself be a token and is masked whole. Applied to every config error, log line and HTTP error.
 */
export function maskUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*)(:[^\s/@]*)?@/gi, (_m, scheme, user, pass) =>
    pass === undefined ? `${scheme}***@` : `${scheme}${user}:***@`,
  );
}
