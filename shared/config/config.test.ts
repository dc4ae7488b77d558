import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  ConfigError,
  acquireConfig,
  brokerConfig,
  dataConfig,
  learnConfig,
  parseConfig,
  processConfig,
  questionConfig,
} from './index';
import { isSecret } from './parse';

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

describe('secrets in configuration errors', () => {
  const errorOf = (env: Record<string, string>) => {
    try {
      parseConfig('data', dataConfig, { ...base, ...env });
    } catch (e) {
      return (e as ConfigError).message;
    }
    throw new Error('the configuration was accepted');
  };

  it.each([
    ['REDIS_URL', 'http://:s3cr3t-auth-string@10.0.0.3:6378'],
    ['REDIS_URL', 's3cr3t-auth-string'],
    ['MONGODB_URI', 'mongdb://admin:s3cr3t-auth-string@db.example.net/'],
    ['MONGODB_URI', 'mongodb://adm/in:s3cr3t-auth-string@db.example.net/'],
    ['MONGODB_URI', 'mongodb+srv://admin:s3cr3t-auth-string@cluster.example.net:27017/'],
    ['MONGODB_URI', 'mongodb://admin/s3cr3t-auth-string:pw@db.example.net/'],
    ['MONGODB_URI', 'mongodb://admin:s3cr3t-auth:string@db.example.net/'],
  ])('never print the value of %s (%s)', (name, value) => {
    const message = errorOf({ [name]: value });
    expect(message).toContain(`${name}:`);
    expect(message).not.toContain('s3cr3t');
    expect(message).not.toContain('admin');
  });

  it('still print the value of an ordinary variable, which helps', () => {
    expect(errorOf({ PORT: '70000' })).toContain('"70000"');
  });

  it('never print a variable named like a credential, marked or not', () => {
    const schema = z.object({ API_TOKEN: z.string().min(40), DB_PASSWORD: z.string().min(40) });
    let message = '';
    try {
      parseConfig('x', schema, { API_TOKEN: 'tok-s3cr3t', DB_PASSWORD: 'pw-s3cr3t' });
    } catch (e) {
      message = (e as ConfigError).message;
    }
    expect(message).toMatch(/API_TOKEN:.*\n.*DB_PASSWORD:/);
    expect(message).not.toContain('s3cr3t');
  });

  it('mark REDIS_URL and MONGODB_URI as secret in every schema that has them', () => {
    const schemas = {
      acquireConfig,
      brokerConfig,
      dataConfig,
      learnConfig,
      processConfig,
      questionConfig,
    };
    const marked = Object.values(schemas).flatMap((schema) =>
      ['REDIS_URL', 'MONGODB_URI']
        .filter((key) => key in schema.shape)
        .map((key) => [key, isSecret(schema, key)]),
    );
    expect(marked.length).toBeGreaterThanOrEqual(8);
    expect(marked.every(([, secret]) => secret)).toBe(true);
  });
});

describe('MONGODB_URI accepts what the MongoDB driver accepts', () => {
  it.each([
    'mongodb://127.0.0.1:27017',
    'mongodb://a:27017,b:27017/multivac?replicaSet=rs0',
    'mongodb://user:p%40ss@a.example:27017,b.example:27018,c.example/db?authSource=admin&tls=true',
    'mongodb+srv://user:pass@cluster0.abcde.mongodb.net/?retryWrites=true&w=majority',
    'mongodb://[::1]:27017,[fe80::1]:27018/',
    'mongodb://%2Ftmp%2Fmongodb-27017.sock',
    'mongodb://mongodb-0.mongodb.multivac.svc.cluster.local:27017/?authSource=admin',
  ])('%s', (uri) => {
    expect(parseConfig('data', dataConfig, { ...base, MONGODB_URI: uri }).MONGODB_URI).toBe(uri);
  });

  it.each([
    ['a wrong scheme', 'postgres://db.example/x', 'Invalid scheme'],
    ['no host', 'mongodb://', 'host list'],
    ['mongodb+srv with two names', 'mongodb+srv://a.example,b.example/', 'multiple service names'],
    ['mongodb+srv with a port', 'mongodb+srv://a.example:27017/', 'port number'],
    ['an unescaped [ in the user', 'mongodb://us[er:pw@db.example/', 'Username contains'],
  ])('refuses %s, saying why', (_, uri, why) => {
    expect(() => parseConfig('data', dataConfig, { ...base, MONGODB_URI: uri })).toThrow(
      expect.objectContaining({ message: expect.stringContaining(why) }),
    );
  });
});
