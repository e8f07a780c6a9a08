import { describe, expect, it } from 'vitest';
import { createLogger, scrub } from '../src/log.js';

describe('log scrubbing', () => {
  it('masks URL credentials in every line, with or without configured secrets', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } });
    log.info({ url: 'https://ep-user:ep-pass@mirror.example.org/occupation.xlsx' }, 'fetching');
    log.error(new Error('connect to redis://:redis-pass@10.0.0.5:6379 failed'));
    const text = lines.join('');
    expect(text).not.toMatch(/ep-pass|redis-pass/);
    expect(text).toContain('https://ep-user:***@mirror.example.org/occupation.xlsx');
    expect(text).toContain('redis://:***@10.0.0.5:6379');
  });

  it('masks a bare user-info token whole and leaves plain URLs alone', () => {
    expect(scrub('https://tok123@api.example.org/x and https://example.org/a@b', [])).toBe(
      'https://***@api.example.org/x and https://example.org/a@b',
    );
  });
});
