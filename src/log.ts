import pino, { type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { maskUrlCredentials } from './urlCredentials.js';

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
 * Terminal logs: one short line each. In-process (the CLI's progress display) only the message and
 * the few figures an operator reads are shown (rows of a source summary, the snapshot, the error);
 * the fields stay in JSON logs. Through the transport (a worker or server on a terminal) the fields
 * stay, on the same line.
 */
const PRETTY_OPTIONS = { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true } as const;

function shortMessage(log: Record<string, unknown>, messageKey: string): string {
  let text = String(log[messageKey] ?? '');
  if (typeof log.read === 'number')
    text += `: ${log.read} rows read, ${log.kept} kept, ${log.rejected} rejected`;
  if (typeof log.snapshotId === 'string') text += ` ${log.snapshotId}`;
  const err = log.err ?? log.error;
  if (err) text += `: ${typeof err === 'object' && 'message' in err ? String(err.message) : String(err)}`;
  return text;
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
  const sink = opts.sink;
  if (sink) {
    const format = pretty
      ? prettyFactory({
          ...PRETTY_OPTIONS,
          colorize: process.stderr.isTTY === true,
          hideObject: true,
          messageFormat: shortMessage,
        })
      : undefined;
    const eol = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
    return pino(base, { write: (line: string) => sink(format ? eol(format(line)) : line) });
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
