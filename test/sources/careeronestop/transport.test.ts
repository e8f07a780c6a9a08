import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AuthError, HttpError, UpstreamRateLimitError } from '../../../src/errors.js';
import type { HttpResponse, RequestInit } from '../../../src/http/httpClient.js';
import { occupationRequest } from '../../../src/sources/careeronestop/client.js';
import type { CareerOneStopDeps } from '../../../src/sources/careeronestop/occupationUnit.js';
import { unlimited } from '../../../src/sources/careeronestop/rateLimiter.js';
import {
  checkBody,
  credentialsOf,
  EndpointFailure,
  send,
  transportFor,
} from '../../../src/sources/careeronestop/transport.js';

const USER_ID = 'uid-SECRET-1';
const TOKEN = 'tok-SECRET-2';
const config = {
  CAREERONESTOP_BASE_URL: 'https://api.example.test',
  CAREERONESTOP_USER_ID: USER_ID,
  CAREERONESTOP_TOKEN: TOKEN,
  CAREERONESTOP_MAX_AGE: 7 * 86_400_000,
  TRAINING_LOCATIONS: ['US'],
  TRAINING_PROGRAMS_PER_LOCATION: 10,
  HTTP_MAX_ATTEMPTS: 3,
  HTTP_RETRY_BASE_DELAY: 1,
  HTTP_RETRY_MAX_DELAY: 1,
};

/** A transport over a fake HTTP client that answers `answer` after taking the limiter `attempts` times. */
function transportWith(answer: (init: RequestInit) => Promise<HttpResponse>, attempts = 1) {
  const seen: { url: string; init: RequestInit }[] = [];
  const deps: CareerOneStopDeps = {
    http: {
      request: async (url, init = {}) => {
        seen.push({ url, init });
        for (let i = 0; i < attempts; i++) await init.limiter?.take();
        return answer(init);
      },
    },
    store: { get: async () => undefined, put: async () => {} },
    limiter: unlimited,
    config,
    log: pino({ level: 'silent' }),
  };
  return { transport: transportFor(deps), seen };
}

const req = occupationRequest(config.CAREERONESTOP_BASE_URL, { userId: USER_ID, token: TOKEN }, '29-2072');
const ok = (body: string, status = 200): HttpResponse => ({
  status,
  headers: {},
  body: Buffer.from(body),
  url: 'scrubbed',
});

describe('credentialsOf', () => {
  it('refuses to start without both credentials, naming the variables', () => {
    for (const missing of ['CAREERONESTOP_USER_ID', 'CAREERONESTOP_TOKEN'] as const) {
      const err = (() => {
        try {
          return credentialsOf({ ...config, [missing]: undefined });
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(AuthError);
      expect((err as Error).message).toContain('set CAREERONESTOP_USER_ID and CAREERONESTOP_TOKEN');
    }
  });
});

describe('send', () => {
  it('sends the token as a Bearer header, counts every attempt, and parses the JSON body', async () => {
    const { transport, seen } = transportWith(async () => ok('{"a":1}'), 3);
    expect(await send(transport, req)).toEqual({ status: 200, json: { a: 1 } });
    expect(seen[0]?.init.headers).toMatchObject({ authorization: `Bearer ${TOKEN}` });
    expect(seen[0]?.init.acceptStatuses).toEqual([404]);
    expect(seen[0]?.init.maxAttempts).toBe(3);
    expect(transport.requests).toBe(3);
  });

  it('returns a 404 as an ordinary answer', async () => {
    const { transport } = transportWith(async () => ok('not here', 404));
    expect(await send(transport, req)).toEqual({ status: 404, json: null });
  });

  it.each([401, 403])('turns %i into an AuthError that stops the source', async (status) => {
    const { transport } = transportWith(async () => {
      throw new HttpError(`HTTP ${status}`, 'u', status, false);
    });
    const err = await send(transport, req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain(`HTTP ${status}`);
    expect((err as Error).message).toContain('The careeronestop source is stopped for this run.');
  });

  it('turns a Retry-After beyond the in-process cap into an UpstreamRateLimitError', async () => {
    const { transport } = transportWith(async () => {
      throw new HttpError('HTTP 429', 'u', 429, true, { retryAfterMs: 3_600_000 });
    });
    const err = await send(transport, req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamRateLimitError);
    expect((err as Error).message).toMatch(/asked to wait 3600 s \(Retry-After\)/);
  });

  it('fails the endpoint on other errors, transient when retryable, without the credentials', async () => {
    const { transport } = transportWith(async () => {
      throw new HttpError(`HTTP 503 for /x/${USER_ID}?t=${TOKEN}`, 'u', 503, true);
    });
    const err = await send(transport, req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndpointFailure);
    expect((err as EndpointFailure).transient).toBe(true);
    expect((err as Error).message).not.toContain(USER_ID);
    expect((err as Error).message).not.toContain(TOKEN);
  });

  it('fails the endpoint, not transient, on a body that is not JSON', async () => {
    const { transport } = transportWith(async () => ok('<html>oops</html>'));
    const err = await send(transport, req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndpointFailure);
    expect((err as EndpointFailure).transient).toBe(false);
    expect((err as Error).message).toContain(
      `${req.publicPath}: expected a JSON body, got "<html>oops</html>"`,
    );
  });

  it('rethrows the abort reason when the run stopped the source', async () => {
    const controller = new AbortController();
    const stop = new Error('stopped');
    const { transport } = transportWith(async () => {
      controller.abort(stop);
      throw new Error('aborted');
    });
    transport.deps.signal = controller.signal;
    await expect(send(transport, req)).rejects.toBe(stop);
  });
});

describe('checkBody', () => {
  const { transport } = transportWith(async () => ok('{}'));

  it('fails on an ErrorMessage in a 200 body, scrubbed of the credentials', () => {
    expect(() => checkBody(transport, { ErrorMessage: ` bad user ${USER_ID} ` }, 'occupation X')).toThrow(
      /^occupation X: ErrorMessage "bad user \S+"$/,
    );
    expect(() => checkBody(transport, { ErrorMessage: `bad user ${USER_ID}` }, 'x')).not.toThrow(USER_ID);
  });

  it('fails on anything but a JSON object, and accepts an object', () => {
    for (const json of [null, [], 'text', 3]) {
      expect(() => checkBody(transport, json, 'x')).toThrow('x: expected a JSON object');
    }
    expect(() => checkBody(transport, { ErrorMessage: '  ', OccupationDetail: [] }, 'x')).not.toThrow();
  });
});
