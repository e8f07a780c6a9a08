/**
 * The only reader of `process.env`. Every setting is validated here, once, by zod; every bad
 * variable is reported in one message so an operator fixes them all in one go.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { maskUrlCredentials } from './urlCredentials.js';

export const SOURCE_IDS = ['oews', 'ep', 'exposure', 'epoch', 'onet', 'careeronestop'] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

/** Root of the package (where `fixtures/` and `data/` live), whether running from src/ or dist/src/. */
export const PACKAGE_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('careerdata: package.json not found above ' + dir);
    dir = parent;
  }
  return dir;
})();

export const DEFAULT_EPOCH_FILE = path.join(PACKAGE_ROOT, 'data', 'epoch-ratings.csv');

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * "36h", "7d", "30s", "250ms", or "0". A unit is required: a bare `10` once meant 10 ms where an
 * operator meant seconds.
 */
export function parseDuration(text: string): number | undefined {
  if (/^\s*0\s*$/.test(text)) return 0;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(text);
  if (!m?.[2]) return undefined;
  return Math.round(Number(m[1]) * (UNITS[m[2]] ?? 1));
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected a duration with a unit (ms, s, m, h, d) such as "500ms", "30s", "36h" or "7d"',
        });
        return z.NEVER;
      }
      return ms;
    });

const url = z.string().refine((v) => /^(https?|file):\/\//.test(v) && URL.canParse(v), {
  message: 'expected an http(s):// or file:// URL',
});

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const share = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);

const sourceList = z
  .string()
  .default(SOURCE_IDS.join(','))
  .transform((v, ctx) => {
    const ids = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = ids.filter((id) => !(SOURCE_IDS as readonly string[]).includes(id));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown source(s) ${unknown.join(', ')}; expected some of ${SOURCE_IDS.join(', ')}`,
      });
      return z.NEVER;
    }
    return [...new Set(ids)] as SourceId[];
  });

/** The schedule's pattern, parsed by the parser BullMQ uses for it, so start-up fails instead of the scheduler. */
function checkCron(pattern: string, ctx: z.RefinementCtx): void {
  try {
    CronExpressionParser.parse(pattern, { tz: 'UTC' });
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a cron pattern such as "0 3 * * *" (${err instanceof Error ? err.message : String(err)})`,
    });
  }
}

/** A zone the runtime's Intl knows (`Intl.supportedValuesOf` omits aliases such as UTC on Node 20). */
function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const OEWS_LATEST = 'https://www.bls.gov/oes/special-requests';

const envSchema = z.object({
  NODE_ENV: z.string().default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty', 'auto']).default('auto'),

  SNAPSHOT_DIR: z.string().min(1).default('./var/snapshots'),
  CACHE_DIR: z.string().min(1).default('./var/cache'),
  RUNS_DIR: z.string().min(1).default('./var/runs'),
  SOURCES: sourceList,

  // BLS
  BLS_CONTACT_EMAIL: z
    .email({ message: 'expected an e-mail address (BLS asks for one in the User-Agent)' })
    .optional(),
  OEWS_FORMAT: z.enum(['xlsx', 'flatfiles']).default('flatfiles'),
  OEWS_XLSX_URLS: list(`${OEWS_LATEST}/oesm24nat.zip,${OEWS_LATEST}/oesm24st.zip`).pipe(z.array(url).min(1)),
  OEWS_FLATFILES_URL: url.default('https://download.bls.gov/pub/time.series/oe/'),
  EP_URL: url.default('https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx'),

  // Research inputs of the resilience score
  EXPOSURE_URL: url.default('https://raw.githubusercontent.com/openai/GPTs-are-GPTs/main/data/occ_level.csv'),
  EPOCH_URL: url.optional(),
  METHODOLOGY_VERSION: z.string().default('2.0'),

  // O*NET database, text release (one zip a quarter: db_<major>_<minor>_text.zip)
  ONET_URL: url.default('https://www.onetcenter.org/dl_files/database/db_29_2_text.zip'),

  // CareerOneStop
  CAREERONESTOP_BASE_URL: url.default('https://api.careeronestop.org'),
  CAREERONESTOP_USER_ID: z.string().min(1).optional(),
  CAREERONESTOP_TOKEN: z.string().min(1).optional(),
  CAREERONESTOP_RPS: z.coerce.number().positive().default(2),
  CAREERONESTOP_MAX_AGE: duration('7d'),
  CAREERONESTOP_CONCURRENCY: int(2, 1),
  TRAINING_LOCATIONS: list('US').pipe(
    z.array(z.string().regex(/^(US|[A-Z]{2})$/, 'expected US or a two-letter state code')).min(1),
  ),
  TRAINING_PROGRAMS_PER_LOCATION: int(10, 0),

  // HTTP
  HTTP_CONNECT_TIMEOUT: duration('10s'),
  HTTP_HEADERS_TIMEOUT: duration('30s'),
  HTTP_BODY_TIMEOUT: duration('60s'),
  HTTP_MAX_ATTEMPTS: int(4, 1),
  HTTP_RETRY_BASE_DELAY: duration('500ms'),
  HTTP_RETRY_MAX_DELAY: duration('30s'),
  HTTP_MAX_BODY_BYTES: int(1_500_000_000, 1),

  // Validation thresholds: share of a source's rows that may be rejected before the run fails.
  MAX_REJECTED_SHARE: share(0.02),
  MIN_DETAILED_OCCUPATIONS: int(700, 0),

  // Reading limits (src/readers/readLimits.ts): a file over one fails, or its row is rejected.
  READ_MAX_LINE_BYTES: int(1_048_576, 1),
  READ_MAX_CELL_CHARS: int(10_000, 1),
  READ_MAX_ROWS: int(20_000_000, 1),
  ZIP_MAX_ENTRY_BYTES: int(1_073_741_824, 1),
  XLSX_MAX_PART_BYTES: int(1_073_741_824, 1),

  // Gates
  GATE_MAX_OCCUPATION_DROP: share(0.05),
  GATE_MAX_WAGE_SHIFT_SHARE: share(0.2),
  GATE_WAGE_SHIFT: share(0.25),
  GATE_MAX_SCORED_SHARE_DROP: share(0.1),
  /** Per part of a record (national wages, projections, …): largest fall of the share carrying it. */
  GATE_MAX_COVERAGE_DROP: share(0.02),

  // Read API
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  ADMIN_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  /** Browser origins allowed to call the read API (`*` for any); empty: no CORS. Never the admin routes. */
  CORS_ORIGINS: list('').pipe(
    z.array(
      z
        .string()
        .regex(
          /^(\*|https?:\/\/[^/\s]+)$/,
          'expected * or origins such as https://app.example.org (no path)',
        ),
    ),
  ),
  /** Level of the access log (one line per request); `silent` turns it off. */
  ACCESS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Public base URLs of the API, listed as `servers` in the OpenAPI document. */
  API_PUBLIC_URLS: list('').pipe(z.array(z.string().regex(/^https?:\/\/\S+$/, 'expected http(s):// URLs'))),
  /** bull-board may retry, clean, promote and delete jobs only when this is `true`. */
  ADMIN_QUEUES_WRITABLE: z
    .enum(['true', 'false'], { error: 'expected true or false' })
    .default('false')
    .transform((v) => v === 'true'),

  // Events
  EVENTS_STREAM: z.string().min(1).default('careerdata:events'),
  EVENTS_STREAM_MAXLEN: int(10_000, 1),
  WEBHOOK_URLS: list('').pipe(z.array(url)),
  WEBHOOK_SECRET: z.string().min(1).optional(),
  /** The next secret during a rotation: deliveries are signed with both (Standard Webhooks). */
  WEBHOOK_SECRET_NEXT: z.string().min(1).optional(),
  WEBHOOK_TIMEOUT: duration('5s'),
  WEBHOOK_MAX_ATTEMPTS: int(4, 1),

  // Queue / worker
  REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\//.test(v), 'expected a redis:// or rediss:// URL')
    .optional(),
  QUEUE_PREFIX: z.string().min(1).default('careerdata'),
  REFRESH_CRON: z.string().default('0 3 * * *').superRefine(checkCron),
  REFRESH_TZ: z
    .string()
    .default('America/New_York')
    .refine(isTimeZone, 'expected an IANA time zone such as America/New_York or UTC'),
  MAX_SNAPSHOT_AGE: duration('36h'),
  SHUTDOWN_TIMEOUT: duration('30s'),
  WORKER_CONCURRENCY: int(2, 1),
  /** How often the freshness watchdog looks at the age of latest ("0" turns it off). */
  WATCHDOG_INTERVAL: duration('15m'),
  /** Lock a worker holds on an active job; a crashed worker's job is recovered after about this long. */
  QUEUE_LOCK_DURATION: duration('30s'),
  QUEUE_STALLED_INTERVAL: duration('30s'),
  /** First retry delay of a failed stage (doubled per attempt). */
  QUEUE_BACKOFF_DELAY: duration('10s'),
  /** The worker's liveness file, refreshed while it takes jobs (`careerdata healthcheck` reads it). */
  HEARTBEAT_FILE: z.string().min(1).default(path.join(os.tmpdir(), 'careerdata-worker.heartbeat')),
});

/** Every variable the configuration reads (`.env.example` lists them all; a test checks). */
export const SETTING_NAMES: readonly string[] = Object.keys(envSchema.shape);

type Parsed = z.output<typeof envSchema>;

export interface Config extends Omit<Parsed, 'REDIS_URL'> {
  /** Sources this run uses (`--sources`, else `SOURCES`). */
  sources: SourceId[];
  /** Manual EPOCH ratings (override the rule): EPOCH_URL or the shipped default file. */
  epochUrl: string;
  /** REDIS_URL when set; undefined means "no Redis" (embedded mode, file locks only). */
  REDIS_URL: string | undefined;
  /** True when REDIS_URL was given explicitly. */
  redisConfigured: boolean;
  /** Settings accepted with a consequence the operator should see (logged at start-up). */
  warnings: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`,
    );
    this.name = 'ConfigError';
  }
}

export interface ConfigOverrides {
  sources?: string[];
  /** Offline mode points every URL at local fixtures, so HTTP-only requirements do not apply. */
  offline?: boolean;
  /** Commands that fetch nothing (snapshots, serve) skip the per-source requirements. */
  checkSources?: boolean;
}

/** Validate the environment; throws one ConfigError listing every bad variable. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: ConfigOverrides = {},
): Config {
  // Empty strings are treated as unset, as shells and compose files often export `VAR=`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  if (overrides.sources) cleaned.SOURCES = overrides.sources.join(',');
  const result = envSchema.safeParse(cleaned);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = issue.path[0] === undefined ? '(environment)' : String(issue.path[0]);
      const got = name in cleaned ? ` (got ${shownValue(name, cleaned[name] ?? '')})` : '';
      problems.push(
        `${overrides.sources && name === 'SOURCES' ? '--sources' : name}: ${issue.message}${got}`,
      );
    }
    throw new ConfigError(problems);
  }
  const c = result.data;
  const uses = (s: SourceId) => c.SOURCES.includes(s);
  const sourcesChosen = cleaned.SOURCES !== undefined;
  const warnings: string[] = [];
  const isHttp = (u: string) => /^https?:/.test(u);
  if (!overrides.offline && overrides.checkSources !== false) {
    const blsHttp =
      (uses('oews') &&
        (c.OEWS_FORMAT === 'xlsx' ? c.OEWS_XLSX_URLS.some(isHttp) : isHttp(c.OEWS_FLATFILES_URL))) ||
      (uses('ep') && isHttp(c.EP_URL));
    if (blsHttp && !c.BLS_CONTACT_EMAIL) {
      problems.push(
        'BLS_CONTACT_EMAIL: required when a BLS source is fetched over HTTP (BLS answers 403 to clients without a contact e-mail in the User-Agent); or use file:// URLs',
      );
    }
    if (uses('careeronestop') && !sourcesChosen && !(c.CAREERONESTOP_USER_ID && c.CAREERONESTOP_TOKEN)) {
      // Optional credentials: by default a deployment without them runs without the source (a
      // worker that exits 2 would be restarted in a loop by its supervisor). Listing the source
      // in SOURCES or --sources makes the credentials required.
      c.SOURCES = c.SOURCES.filter((id) => id !== 'careeronestop');
      warnings.push(
        'careeronestop source skipped: CAREERONESTOP_USER_ID and CAREERONESTOP_TOKEN are not both set (set them, or list the source in SOURCES to make them required)',
      );
    }
    if (uses('careeronestop')) {
      if (!c.CAREERONESTOP_USER_ID)
        problems.push('CAREERONESTOP_USER_ID: required when the careeronestop source is enabled');
      if (!c.CAREERONESTOP_TOKEN)
        problems.push('CAREERONESTOP_TOKEN: required when the careeronestop source is enabled');
    }
  }
  if (c.WEBHOOK_URLS.length > 0 && !c.WEBHOOK_SECRET) {
    problems.push('WEBHOOK_SECRET: required when WEBHOOK_URLS is set (deliveries are signed)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...c,
    sources: c.SOURCES,
    epochUrl: c.EPOCH_URL ?? new URL(`file://${DEFAULT_EPOCH_FILE}`).href,
    REDIS_URL: c.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisConfigured: c.REDIS_URL !== undefined,
    warnings,
  };
}

/** Names of settings whose values are secrets: never logged, never stored. */
export const SECRET_SETTINGS = [
  'CAREERONESTOP_TOKEN',
  'CAREERONESTOP_USER_ID',
  'ADMIN_TOKEN',
  'WEBHOOK_SECRET',
  'WEBHOOK_SECRET_NEXT',
] as const;

/** The secret values of a config, for scrubbing text before it is logged or written. */
export function secretValues(config: Pick<Config, (typeof SECRET_SETTINGS)[number]>): string[] {
  return SECRET_SETTINGS.map((k) => config[k]).filter(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
}

/** A bad value as a config error shows it: a secret only by its length, URLs without credentials. */
function shownValue(name: string, value: string): string {
  if ((SECRET_SETTINGS as readonly string[]).includes(name)) return String(value.length);
  return `"${maskUrlCredentials(value)}"`;
}
