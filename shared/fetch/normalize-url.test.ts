import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from './address-policy';
import { InvalidUrlError } from './errors';
import { MAX_URL_LENGTH, normalizeUrl } from './normalize-url';

describe('normalizeUrl accepts and normalizes', () => {
  it.each([
    ['https://example.org', 'https://example.org/'],
    ['HTTP://EXAMPLE.ORG/Path/To/Page', 'http://example.org/Path/To/Page'],
    ['  https://example.org/a  ', 'https://example.org/a'],
    ['https://example.org:443/a', 'https://example.org/a'],
    ['http://example.org:80/a', 'http://example.org/a'],
    ['http://example.org:8080/a', 'http://example.org:8080/a'],
    ['https://example.org/a#section-2', 'https://example.org/a'],
    ['https://example.org/a?', 'https://example.org/a'],
    ['https://example.org/a?b=2&a=1&b=1', 'https://example.org/a?b=2&a=1&b=1'],
    ['https://example.org/a/./b/../c', 'https://example.org/a/c'],
    ['https://example.org/%7Euser/Caf%C3%A9', 'https://example.org/%7Euser/Caf%C3%A9'],
    ['https://example.org/café', 'https://example.org/caf%C3%A9'],
    ['https://example.org./a', 'https://example.org/a'],
    ['https://bücher.example/', 'https://xn--bcher-kva.example/'],
    ['https://ＥＸＡＭＰＬＥ.org/', 'https://example.org/'],
    ['https://www.example.org/a/', 'https://www.example.org/a/'],
    ['http://93.184.216.34/', 'http://93.184.216.34/'],
    [
      'http://[2606:2800:0220:0001:0248:1893:25C8:1946]/',
      'http://[2606:2800:220:1:248:1893:25c8:1946]/',
    ],
    // Address spellings collapse to one form; refusing them is safeFetch's (or the policy's) job.
    ['http://2130706433/', 'http://127.0.0.1/'],
    ['http://0x7f000001/', 'http://127.0.0.1/'],
    ['http://0177.0.0.1/', 'http://127.0.0.1/'],
    ['http://127.1/', 'http://127.0.0.1/'],
    ['http://%31%32%37.0.0.1/', 'http://127.0.0.1/'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
  });

  it('is idempotent', () => {
    for (const input of ['HTTPS://Example.ORG:443/a/../b?x=1#f', 'http://bücher.example./']) {
      const once = normalizeUrl(input);
      expect(normalizeUrl(once)).toBe(once);
    }
  });

  it('resolves a relative redirect target against a base', () => {
    expect(normalizeUrl('../c?d=1', { base: 'https://example.org/a/b/' })).toBe(
      'https://example.org/a/c?d=1',
    );
    expect(normalizeUrl('//other.example/x', { base: 'https://example.org/' })).toBe(
      'https://other.example/x',
    );
  });
});

describe('normalizeUrl refuses', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['example.org/page', 'unparseable'],
    ['/relative/path', 'unparseable'],
    ['http:example.org', 'unparseable'],
    ['http:/example.org', 'unparseable'],
    ['http://', 'unparseable'],
    ['http://exa mple.org/', 'whitespace'],
    ['https://example.org/a b', 'whitespace'],
    ['https://example.org/a\u00a0b', 'whitespace'],
    ['java\nscript:alert(1)', 'control-character'],
    ['http://example.org/\ta', 'control-character'],
    ['http://exam\u0000ple.org/', 'control-character'],
    ['http://example.org/\u0085', 'control-character'],
    ['http://exa\u200bmple.org/', 'control-character'],
    ['http://example.org/\u202egnp.exe', 'control-character'],
    ['http://evil.example\\@127.0.0.1/', 'backslash'],
    ['http:\\\\127.0.0.1\\', 'backslash'],
    ['http://127.0.0.1\\@evil.example/', 'backslash'],
    ['file:///etc/passwd', 'scheme'],
    ['gopher://127.0.0.1:6379/_INFO', 'scheme'],
    ['dict://127.0.0.1:11211/stats', 'scheme'],
    ['ftp://example.org/file', 'scheme'],
    ['data:text/html,<h1>hi</h1>', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['ws://example.org/', 'scheme'],
    ['HTTPS+evil://example.org/', 'scheme'],
    ['http://evil.example@127.0.0.1/', 'credentials'],
    ['https://user:secret@example.org/', 'credentials'],
    ['https://:secret@example.org/', 'credentials'],
    ['http://example..org/', 'host'],
    ['http://example.org../', 'host'],
    [`http://${'a'.repeat(64)}.example/`, 'host'],
    ['http://example.org:0/', 'port'],
    ['http://example.org:65536/', 'unparseable'],
    ['http://exa<mple.org/', 'unparseable'],
  ])('%j (%s)', (input, code) => {
    const attempt = () => normalizeUrl(input);
    expect(attempt).toThrow(InvalidUrlError);
    expect(attempt).toThrow(expect.objectContaining({ code, reason: expect.any(String) }));
  });

  it.each([
    ['raw', `https://example.org/${'a'.repeat(MAX_URL_LENGTH)}`],
    ['percent-encoded', `https://example.org/${'é'.repeat(700)}`],
  ])('refuses a URL over the length limit (%s)', (_, input) => {
    expect(() => normalizeUrl(input)).toThrow(expect.objectContaining({ code: 'too-long' }));
  });

  it('refuses a redirect that changes the scheme to something else', () => {
    expect(() => normalizeUrl('ftp://example.org/x', { base: 'https://example.org/' })).toThrow(
      expect.objectContaining({ code: 'scheme' }),
    );
  });
});

describe('normalizeUrl with an address policy', () => {
  const policy = createAddressPolicy(['127.0.0.1/32']);
  it.each([
    ['http://10.0.0.1/', 'blocked-address'],
    ['http://0x7f000002/', 'blocked-address'],
    ['http://[::1]/', 'blocked-address'],
    ['http://169.254.169.254/computeMetadata/v1/', 'blocked-address'],
    ['http://2852039166/', 'blocked-address'],
  ])('refuses the literal %s', (input, code) => {
    expect(() => normalizeUrl(input, { addressPolicy: policy })).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it.each([['http://127.0.0.1:8080/'], ['http://93.184.216.34/'], ['http://internal.example/']])(
    'lets %s through (names are checked when fetched)',
    (input) => {
      expect(normalizeUrl(input, { addressPolicy: policy })).toBe(input);
    },
  );
});

describe('normalizeUrl refuses names that can never be public', () => {
  const production = createAddressPolicy([]);
  const local = [
    'http://localhost/',
    'http://LOCALHOST.:8080/admin',
    'http://api.localhost/',
    'http://redis:6379/',
    'http://broker/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://db.internal/',
    'http://printer.local/',
    'http://redis.multivac.svc.cluster.local/',
    'http://router.home.arpa/',
    'http://localhost.localdomain/',
  ];

  it.each(local)('%s, with a policy and no allowed range (a 400 at PUT)', (input) => {
    expect(() => normalizeUrl(input, { addressPolicy: production })).toThrow(
      expect.objectContaining({ code: 'blocked-name' }),
    );
  });

  it.each(local)('%s, once private ranges are allowed (acquire checks its addresses)', (input) => {
    const allowing = createAddressPolicy(['127.0.0.1/32']);
    expect(() => normalizeUrl(input, { addressPolicy: allowing })).not.toThrow();
  });

  it.each(local)('%s, without a policy (redirect targets: the fetch decides)', (input) => {
    expect(() => normalizeUrl(input)).not.toThrow();
  });

  it.each([
    'http://example.org/',
    'http://internal.example/',
    'http://local.example.org/',
    'http://localhost.example/',
    'http://my-localdomain.org/',
    'http://home.arpa.example/',
  ])('lets the public-looking name %s through', (input) => {
    expect(normalizeUrl(input, { addressPolicy: production })).toBe(input);
  });
});
