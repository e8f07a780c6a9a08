import pino, { type Logger } from 'pino';
import { maskUrlCredentials } from './urlCredentials.js';

export type { Logger };

export interface LogOptions {
  level?: string;
  format?: 'json' | 'pretty' | 'auto';
  /** Secret values (tokens, user ids) masked in every message and field before it is written. */
  secrets?: string[];
  destination?: pino.DestinationStream;
}

/** Replace every occurrence of each secret (also URL-encoded) with a mask, and any URL's credentials. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = maskUrlCredentials(text);
  for (const s of secrets) {
    if (!s) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('***');
  }
  return out;
}

/**
 * pino logger: JSON by default, pretty on a TTY. Secrets are scrubbed from the serialised line
 * itself, so no field, message or error stack can carry one.
 */
export function createLogger(opts: LogOptions = {}): Logger {
  const secrets = (opts.secrets ?? []).filter(Boolean);
  const pretty = opts.format === 'pretty' || (opts.format !== 'json' && process.stderr.isTTY === true);
  const base: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    base: { pid: process.pid },
    hooks: { streamWrite: (line: string) => scrub(line, secrets) },
  };
  if (opts.destination) return pino(base, opts.destination);
  if (pretty) {
    return pino(
      base,
      pino.transport({ target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss' } }),
    );
  }
  return pino(base, pino.destination(2));
}

/** A logger that discards everything (tests, library use). */
export const silentLogger: Logger = pino({ level: 'silent' });
