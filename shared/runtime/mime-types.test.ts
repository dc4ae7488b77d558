import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

interface MimeShim {
  contentType(str: string): string | false;
  lookup(path: string): string | false;
  KNOWN_CONTENT_TYPES: Map<string, string>;
}

describe("mime-types' place in the bundles (loaded on first call)", () => {
  it("answers the framework's own content types without loading it, as it would", () => {
    const real = require.resolve('mime-types');
    delete require.cache[real];
    const shim = require('./mime-types.cjs') as MimeShim;
    // Express's res.set asks again with the full type it got; other charsets alike.
    const asked = [
      ...shim.KNOWN_CONTENT_TYPES.keys(),
      ...shim.KNOWN_CONTENT_TYPES.values(),
      'text/html; charset=iso-8859-1',
    ];
    const answers = asked.map((t) => shim.contentType(t));
    expect(require.cache[real]).toBeUndefined();
    const mime = require('mime-types') as MimeShim;
    expect(answers).toEqual(asked.map((t) => mime.contentType(t)));
    expect(answers).toContain('text/plain; charset=utf-8');
  });

  it('loads it for anything else', () => {
    const shim = require('./mime-types.cjs') as MimeShim;
    expect(shim.contentType('html')).toBe('text/html; charset=utf-8');
    expect(shim.contentType('application/json')).toBe('application/json; charset=utf-8');
    expect(shim.lookup('a.png')).toBe('image/png');
  });
});
