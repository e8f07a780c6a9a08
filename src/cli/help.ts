/**
 * The footer of every command's `--help`: the settings (environment variables) it reads and one
 * example, plus the exit codes, so an operator never has to open the README to run a command.
 */
import { type Command, InvalidArgumentError } from 'commander';

/** Exit codes of every command, in one place (also in the README). */
export const EXIT_CODES_HELP =
  'Exit codes: 0 success or unchanged, 1 failed or blocked, 2 usage or configuration error.';

const COMMON = ['LOG_LEVEL', 'LOG_FORMAT'];

export function describeCommand(cmd: Command, settings: string[], example: string): Command {
  const all = [...settings, ...COMMON];
  return cmd.addHelpText(
    'after',
    `\nSettings read (environment or ./.env): ${all.join(', ')}\nExample:\n  $ ${example}\n${EXIT_CODES_HELP}\n`,
  );
}

/** Source settings, for the commands that fetch. */
export const SOURCE_SETTINGS = [
  'SOURCES',
  'BLS_CONTACT_EMAIL',
  'OEWS_FORMAT',
  'OEWS_FLATFILES_URL',
  'OEWS_XLSX_URLS',
  'EP_URL',
  'EXPOSURE_URL',
  'EPOCH_URL',
  'ONET_URL',
  'CAREERONESTOP_BASE_URL',
  'CAREERONESTOP_USER_ID',
  'CAREERONESTOP_TOKEN',
  'CAREERONESTOP_RPS',
  'CAREERONESTOP_CONCURRENCY',
  'CAREERONESTOP_MAX_AGE',
  'TRAINING_LOCATIONS',
  'TRAINING_PROGRAMS_PER_LOCATION',
  'HTTP_* (timeouts, attempts, body limit)',
];
export const GATE_SETTINGS = [
  'MAX_REJECTED_SHARE',
  'MIN_DETAILED_OCCUPATIONS',
  'GATE_MAX_OCCUPATION_DROP',
  'GATE_MAX_WAGE_SHIFT_SHARE',
  'GATE_WAGE_SHIFT',
  'GATE_MAX_SCORED_SHARE_DROP',
];
export const STORE_SETTINGS = ['SNAPSHOT_DIR', 'CACHE_DIR', 'RUNS_DIR'];
export const QUEUE_SETTINGS = ['REDIS_URL', 'QUEUE_PREFIX'];
export const EVENT_SETTINGS = ['REDIS_URL', 'EVENTS_STREAM', 'WEBHOOK_URLS', 'WEBHOOK_SECRET'];

/** `--limit abc` is a usage error (exit 2), not a silent default. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a positive whole number, got "${value}"`);
  }
  return n;
}
