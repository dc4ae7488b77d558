import { createRequire } from 'node:module';
import type * as QueryString from 'qs';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

type Qs = typeof QueryString;

describe("qs's place in the bundles (loaded on first call)", () => {
  it('does not load the package until it is called, then parses and writes as the package does', () => {
    const real = require.resolve('qs');
    delete require.cache[real];
    const shim = require('./qs.cjs') as Qs;
    expect(require.cache[real]).toBeUndefined();
    const form = 'url=https%3A%2F%2Fexample.org%2Fa&a[b]=1&list[]=x&list[]=y';
    const parsed = shim.parse(form, { depth: 32, parameterLimit: 1000 });
    expect(require.cache[real]).toBeDefined();
    const qs = require('qs') as Qs;
    expect(parsed).toEqual(qs.parse(form, { depth: 32, parameterLimit: 1000 }));
    expect(parsed).toEqual({ url: 'https://example.org/a', a: { b: '1' }, list: ['x', 'y'] });
    expect(shim.stringify({ a: { b: 1 } })).toBe(qs.stringify({ a: { b: 1 } }));
  });
});
