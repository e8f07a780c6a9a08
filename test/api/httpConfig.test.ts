/** The API's consumer-facing settings: CORS origins, access-log level, public URLs, webhook rotation. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretValues } from '../../src/config.js';

const load = (env: Record<string, string>) => loadConfig(env, { checkSources: false });

describe('consumer-facing settings', () => {
  it('default to no CORS, an info access log and no public URLs', () => {
    const c = load({});
    expect(c.CORS_ORIGINS).toEqual([]);
    expect(c.ACCESS_LOG_LEVEL).toBe('info');
    expect(c.API_PUBLIC_URLS).toEqual([]);
  });

  it('take origin lists, * and public URLs', () => {
    const c = load({
      CORS_ORIGINS: 'https://app.example.org, http://localhost:5173',
      API_PUBLIC_URLS: 'https://data.example.org',
      ACCESS_LOG_LEVEL: 'debug',
    });
    expect(c.CORS_ORIGINS).toEqual(['https://app.example.org', 'http://localhost:5173']);
    expect(load({ CORS_ORIGINS: '*' }).CORS_ORIGINS).toEqual(['*']);
    expect(c.API_PUBLIC_URLS).toEqual(['https://data.example.org']);
  });

  it('report every bad one at once, naming the variable', () => {
    let err: unknown;
    try {
      load({
        CORS_ORIGINS: 'https://app.example.org/path',
        ACCESS_LOG_LEVEL: 'loud',
        API_PUBLIC_URLS: 'file:///x',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = (err as ConfigError).problems.join('\n');
    expect(text).toMatch(/CORS_ORIGINS: expected \* or origins/);
    expect(text).toMatch(/ACCESS_LOG_LEVEL/);
    expect(text).toMatch(/API_PUBLIC_URLS: expected http\(s\):\/\/ URLs/);
  });

  it('treat the next webhook secret as a secret', () => {
    const c = load({ WEBHOOK_SECRET: 'whsec_Y3VycmVudA==', WEBHOOK_SECRET_NEXT: 'whsec_bmV4dA==' });
    expect(secretValues(c)).toEqual(expect.arrayContaining(['whsec_Y3VycmVudA==', 'whsec_bmV4dA==']));
  });
});
