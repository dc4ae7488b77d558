import { describe, expect, it } from 'vitest';
import { linkTarget } from './safe-url';

describe('linkTarget', () => {
  it.each([
    ['http://a.test/x?y=1', 'http://a.test/x?y=1'],
    ['https://a.test', 'https://a.test/'],
    ['javascript:alert(1)', undefined],
    ['JAVASCRIPT:alert(1)', undefined],
    [' javascript:alert(1)', undefined],
    ['data:text/html,<script>alert(1)</script>', undefined],
    ['text:0123abcd', undefined],
    ['/relative', undefined],
    ['not a url', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (url, expected) => expect(linkTarget(url)).toBe(expected));
});
