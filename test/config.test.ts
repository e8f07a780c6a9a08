import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDuration } from '../src/config.js';

const BASE = { BLS_CONTACT_EMAIL: 'ops@example.org', SOURCES: 'oews,ep' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('config', () => {
  it('applies documented defaults', () => {
    const c = loadConfig({ BLS_CONTACT_EMAIL: 'ops@example.org', SOURCES: 'oews,ep' });
    expect(c.SNAPSHOT_DIR).toBe('./var/snapshots');
    expect(c.CACHE_DIR).toBe('./var/cache');
    expect(c.OEWS_FORMAT).toBe('flatfiles');
    expect(c.OEWS_FLATFILES_URL).toBe('https://download.bls.gov/pub/time.series/oe/');
    expect(c.EP_URL).toBe('https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx');
    expect(c.OEWS_XLSX_URLS).toHaveLength(2);
    expect(c.CAREERONESTOP_MAX_AGE).toBe(7 * 86_400_000);
    expect(c.sources).toEqual(['oews', 'ep']);
  });

  it('reports every invalid variable in one message', () => {
    let err: unknown;
    try {
      loadConfig({
        OEWS_FORMAT: 'csv',
        EP_URL: 'ftp://x',
        CAREERONESTOP_RPS: '-1',
        SOURCES: 'oews,nope',
        PORT: 'eighty',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    for (const name of ['OEWS_FORMAT', 'EP_URL', 'CAREERONESTOP_RPS', 'SOURCES', 'PORT'])
      expect(msg).toContain(name);
    expect((err as ConfigError).problems).toHaveLength(5);
  });

  it('requires a source’s own settings only when a run uses that source', () => {
    expect(() => loadConfig({ SOURCES: 'oews,ep' })).toThrow(/BLS_CONTACT_EMAIL/);
    expect(() => loadConfig({ SOURCES: 'ep', EP_URL: 'file:///tmp/occupation.xlsx' })).not.toThrow();
    const err = (() => {
      try {
        loadConfig({ BLS_CONTACT_EMAIL: 'ops@example.org', SOURCES: 'oews,careeronestop' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err?.problems.join('\n')).toMatch(/CAREERONESTOP_USER_ID[\s\S]*CAREERONESTOP_TOKEN/);
    expect(() =>
      loadConfig({ BLS_CONTACT_EMAIL: 'ops@example.org' }, { sources: ['oews', 'ep', 'exposure', 'epoch'] }),
    ).not.toThrow();
  });

  it('keeps bull-board read-only unless ADMIN_QUEUES_WRITABLE is exactly true', () => {
    const base = { BLS_CONTACT_EMAIL: 'ops@example.org', SOURCES: 'oews,ep' };
    expect(loadConfig(base).ADMIN_QUEUES_WRITABLE).toBe(false);
    expect(loadConfig({ ...base, ADMIN_QUEUES_WRITABLE: 'true' }).ADMIN_QUEUES_WRITABLE).toBe(true);
    expect(() => loadConfig({ ...base, ADMIN_QUEUES_WRITABLE: 'yes' })).toThrow(/ADMIN_QUEUES_WRITABLE/);
  });

  it('parses durations, which need a unit (only 0 may go without)', () => {
    expect(parseDuration('36h')).toBe(36 * 3_600_000);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('250')).toBeUndefined();
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('refuses a duration without a unit, naming the variable', () => {
    expect(problemsOf({ HTTP_CONNECT_TIMEOUT: '10' })).toEqual([
      'HTTP_CONNECT_TIMEOUT: expected a duration with a unit (ms, s, m, h, d) such as "500ms", "30s", "36h" or "7d" (got "10")',
    ]);
    expect(loadConfig({ ...BASE, HTTP_CONNECT_TIMEOUT: '10s' }).HTTP_CONNECT_TIMEOUT).toBe(10_000);
  });

  it('parses REFRESH_CRON and checks REFRESH_TZ against the IANA zones', () => {
    const problems = problemsOf({ REFRESH_CRON: '61 * * * *', REFRESH_TZ: 'Mars/Phobos' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^REFRESH_CRON: expected a cron pattern .*61.* \(got "61 \* \* \* \*"\)$/);
    expect(problems[1]).toBe(
      'REFRESH_TZ: expected an IANA time zone such as America/New_York or UTC (got "Mars/Phobos")',
    );
    const ok = loadConfig({ ...BASE, REFRESH_CRON: '30 2 * * 1-5', REFRESH_TZ: 'Europe/Berlin' });
    expect([ok.REFRESH_CRON, ok.REFRESH_TZ]).toEqual(['30 2 * * 1-5', 'Europe/Berlin']);
    expect(loadConfig({ ...BASE, REFRESH_TZ: 'UTC' }).REFRESH_TZ).toBe('UTC');
  });

  it('never echoes a secret or URL credentials in a config error', () => {
    const problems = problemsOf({
      ADMIN_TOKEN: 'short-secret1',
      EP_URL: 'ftp://bob:hunter2@mirror.example.org/occupation.xlsx',
      WEBHOOK_URLS: 'https://hooks.example.org/a,gopher://alice:pa55@hooks.example.org/b',
      REDIS_URL: 'http://:redispass@redis.internal:6379',
    });
    expect(problems).toContain('ADMIN_TOKEN: expected at least 16 characters (got 13)');
    const text = problems.join('\n');
    for (const secret of ['short-secret1', 'hunter2', 'pa55', 'redispass'])
      expect(text).not.toContain(secret);
    expect(text).toContain('ftp://bob:***@mirror.example.org/occupation.xlsx');
    expect(text).toContain('gopher://alice:***@hooks.example.org/b');
    expect(text).toContain('http://:***@redis.internal:6379');
  });

  it('without CareerOneStop credentials the default sources leave that source out, with a warning', () => {
    const c = loadConfig({ BLS_CONTACT_EMAIL: 'ops@example.org' });
    expect(c.sources).toEqual(['oews', 'ep', 'exposure', 'epoch', 'onet']);
    expect(c.warnings.join('\n')).toMatch(/careeronestop source skipped/);
    const withKeys = loadConfig({
      BLS_CONTACT_EMAIL: 'ops@example.org',
      CAREERONESTOP_USER_ID: 'u',
      CAREERONESTOP_TOKEN: 't',
    });
    expect(withKeys.sources).toContain('careeronestop');
    expect(withKeys.warnings).toEqual([]);
  });
});
