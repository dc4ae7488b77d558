import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

describe("@mongodb-js/saslprep's place in the bundles (loaded on first call)", () => {
  it('does not load the package until it is called, then prepares as the package does', () => {
    const real = require.resolve('@mongodb-js/saslprep');
    delete require.cache[real];
    const shim = require('./saslprep.cjs') as { saslprep: (s: string) => string };
    expect(require.cache[real]).toBeUndefined();
    // RFC 4013's examples: a soft hyphen is mapped to nothing, a non-ASCII space to a space.
    expect(shim.saslprep('I\u00ADX')).toBe('IX');
    expect(shim.saslprep('a\u00A0b')).toBe('a b');
    expect(require.cache[real]).toBeDefined();
    expect(() => shim.saslprep('\u0007')).toThrow(/prohibited/i);
  });
});
