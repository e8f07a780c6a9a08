import pino, { type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type { Logger };

export interface LogOptions {
  level?: string;
  format?: 'json' | 'pretty' | 'auto';
  /** Secret values (tokens, user ids) masked in every message and field before it is written. */
  secrets?: string[];
  destination?: pino.DestinationStream;
  /**
   * Every finished line (pretty or JSON, secrets already scrubbed) goes to this function instead of
   * stderr: the CLI's progress display prints it above its live line, so logs never break it.
   */
  sink?: (line: string) => void;
}

/**
 * Terminal logs: one short line each. The fields stay in JSON logs; a terminal shows the message
 * plus the few figures an operator reads (rows of a source summary, the error, the snapshot).
 */
const PRETTY_OPTIONS = {
  translateTime: 'SYS:HH:MM:ss',
  hideObject: true,
  ignore: 'pid,hostname',
  messageFormat:
    '{msg}{if read}: {read} rows read, {kept} kept, {rejected} rejected{end}{if snapshotId} {snapshotId}{end}{if err}: {err}{end}',
} as const;

/** Replace every occurrence of each secret (also URL-encoded) with a mask. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('***');
  }
  return out;
}

export function scrubDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  return JSON.parse(scrub(JSON.stringify(value), secrets)) as T;
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
    hooks:
      secrets.length > 0
        ? {
            streamWrite: (line: string) => scrub(line, secrets),
          }
        : {},
  };
  if (opts.destination) return pino(base, opts.destination);
  const sink = opts.sink;
  if (sink) {
    const format = pretty
      ? prettyFactory({ ...PRETTY_OPTIONS, colorize: process.stderr.isTTY === true })
      : undefined;
    return pino(base, { write: (line: string) => sink(format ? format(line) : line) });
  }
  if (pretty) {
    return pino(
      base,
      pino.transport({ target: 'pino-pretty', options: { destination: 2, ...PRETTY_OPTIONS } }),
    );
  }
  return pino(base, pino.destination(2));
}

/** A logger that discards everything (tests, library use). */
export const silentLogger: Logger = pino({ level: 'silent' });
