import { describe, expect, it } from 'vitest';
import { ConfigError, acquireConfig, dataConfig, parseConfig, questionConfig } from './index';

const base = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  MONGODB_URI: 'mongodb://127.0.0.1:27017',
  K_SINK: 'http://127.0.0.1:9000/',
};

describe('parseConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = parseConfig('data', dataConfig, base);
    expect(config).toMatchObject({
      PORT: 8080,
      LOG_LEVEL: 'info',
      MONGODB_DB: 'multivac',
      MULTIVAC_RATE_LIMIT_PER_MINUTE: 120,
      MULTIVAC_BODY_LIMIT_BYTES: 1048576,
    });
    expect(config.METRICS_PORT).toBeUndefined();
  });

  it('treats empty strings as unset', () => {
    const config = parseConfig('data', dataConfig, {
      ...base,
      PORT: '',
      MULTIVAC_RATE_LIMIT_PER_MINUTE: '',
    });
    expect(config.PORT).toBe(8080);
    expect(config.MULTIVAC_RATE_LIMIT_PER_MINUTE).toBe(120);
  });

  it('splits the allowed CIDR list', () => {
    const config = parseConfig('acquire', acquireConfig, {
      ...base,
      MULTIVAC_FETCH_ALLOWED_CIDRS: ' 127.0.0.0/8, ::1/128 ,',
    });
    expect(config.MULTIVAC_FETCH_ALLOWED_CIDRS).toEqual(['127.0.0.0/8', '::1/128']);
  });

  it.each([
    [
      'missing variables',
      {},
      ['REDIS_URL: required but not set', 'MONGODB_URI: required but not set'],
    ],
    ['a port out of range', { ...base, PORT: '70000' }, ['PORT:', '"70000"']],
    [
      'a wrong scheme',
      { ...base, REDIS_URL: 'http://x' },
      ['REDIS_URL: must be a URL with scheme redis or rediss'],
    ],
    ['an unknown log level', { ...base, LOG_LEVEL: 'loud' }, ['LOG_LEVEL:']],
    ['a bad database name', { ...base, MONGODB_DB: 'a/b' }, ['MONGODB_DB:']],
  ])('rejects %s with one error listing every problem', (_name, env, fragments) => {
    let error: unknown;
    try {
      parseConfig('question', questionConfig, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^invalid configuration for question:/);
    for (const fragment of fragments) expect(message).toContain(fragment);
  });

  it('lists all problems, not just the first', () => {
    expect(() => parseConfig('question', questionConfig, { PORT: 'x' })).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([expect.stringMatching(/^PORT/)]),
      }),
    );
    try {
      parseConfig('question', questionConfig, { PORT: 'x' });
    } catch (e) {
      expect((e as ConfigError).problems.length).toBeGreaterThanOrEqual(3);
    }
  });
});
