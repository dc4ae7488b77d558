import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

type Logger = ((...args: unknown[]) => void) & { enabled: boolean; namespace: string };
type Debug = ((namespace: string) => Logger) & {
  enabled(namespace: string): boolean;
  default: Debug;
};

/** The shim as a function's start-up sees it, with `DEBUG` as given. */
function freshShim(debug: string | undefined): Debug {
  delete require.cache[require.resolve('./debug.cjs')];
  delete require.cache[require.resolve('debug')];
  if (debug === undefined) delete process.env.DEBUG;
  else process.env.DEBUG = debug;
  return require('./debug.cjs') as Debug;
}

describe("debug's place in the bundles (Express's loggers)", () => {
  const before = process.env.DEBUG;
  afterEach(() => {
    if (before === undefined) delete process.env.DEBUG;
    else process.env.DEBUG = before;
  });

  it('makes loggers that are off, without loading the package, when DEBUG is unset', () => {
    const debug = freshShim(undefined);
    const log = debug('express:router');
    expect(log.enabled).toBe(false);
    expect(log('route %s', '/')).toBeUndefined();
    expect(log.namespace).toBe('express:router');
    expect(debug.enabled('express:router')).toBe(false);
    // ioredis calls it as an ES module's default export.
    expect(debug.default('ioredis:redis').enabled).toBe(false);
    expect(require.cache[require.resolve('debug')]).toBeUndefined();
  });

  it('is the package itself when DEBUG is set', () => {
    const debug = freshShim('express:*');
    expect(debug).toBe(require('debug'));
    expect(debug('express:router').enabled).toBe(true);
  });
});
