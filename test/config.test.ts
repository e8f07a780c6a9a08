import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDuration } from '../src/config.js';

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
        loadConfig({ BLS_CONTACT_EMAIL: 'ops@example.org' });
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

  it('parses durations', () => {
    expect(parseDuration('36h')).toBe(36 * 3_600_000);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration('soon')).toBeUndefined();
  });
});
