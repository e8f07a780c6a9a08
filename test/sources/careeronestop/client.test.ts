import { describe, expect, it } from 'vitest';
import {
  authHeaders,
  certificationsRequest,
  occupationRequest,
  onetCodeFor,
  trainingRequest,
} from '../../../src/sources/careeronestop/client.js';

const creds = { userId: 'uid/SECRET 123', token: 'tok-SECRET-456' };

describe('CareerOneStop request building', () => {
  it('puts the encoded user id in the path and never in the public path or params', () => {
    const r = occupationRequest('https://api.example.org/', creds, '29-2072');
    expect(r.url).toMatch(
      /^https:\/\/api\.example\.org\/v1\/occupation\/uid%2FSECRET%20123\/29-2072\.00\/US\?/,
    );
    expect(r.url).toContain('alternateOnetTitles=true');
    expect(r.url).toContain('relatedOnetTitles=true');
    expect(r.url).toContain('training=true');
    expect(r.publicPath).toMatch(/^\/v1\/occupation\/\{userId\}\/29-2072\.00\/US\?training=true/);
    expect(JSON.stringify([r.publicPath, r.params])).not.toMatch(/SECRET/);
  });

  it('uses positional 0 filters and path paging for the list endpoints', () => {
    expect(certificationsRequest('https://h', creds, '29-2072', 10, 10).publicPath).toBe(
      '/v1/certificationfinder/{userId}/29-2072.00/D/0/0/0/0/0/0/0/10/10',
    );
    expect(trainingRequest('https://h', creds, '29-1141', 'TX', 20, 3).publicPath).toBe(
      '/v1/training/{userId}/29-1141.00/TX/0/0/0/0/0/0/0/0/20/3',
    );
  });

  it('sends the token only as a Bearer header', () => {
    expect(authHeaders(creds)).toEqual({
      authorization: 'Bearer tok-SECRET-456',
      accept: 'application/json',
    });
    expect(occupationRequest('https://h', creds, '29-2072').url).not.toContain('tok-SECRET');
  });

  it('maps a SOC to its base O*NET-SOC code and refuses anything else', () => {
    expect(onetCodeFor('29-2072')).toBe('29-2072.00');
    expect(() => onetCodeFor('29-2072.00')).toThrow(/expected a SOC code/);
    expect(() => onetCodeFor('../x')).toThrow();
  });
});
