/**
 * SSRF: every case here must be refused before a single byte reaches a private address. The
 * "secret" servers answer 200 to anything on 127.0.0.1 (and ::1 where the machine has it), and the
 * cases aim at their ports wherever the address allows: were a check missing, the fetch would
 * succeed or fail differently, and `afterEach` would see the secret servers' request logs grow.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { safeFetch, type SafeFetchOptions } from './safe-fetch';
import { ipv6LoopbackAvailable, startTestServer, tableResolver, type TestServer } from './testing';

const ipv6 = await ipv6LoopbackAvailable();
const secretPage = (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<p>SECRET</p>');
};

let secret: TestServer;
let secret6: TestServer | undefined;
let relay: TestServer;

beforeAll(async () => {
  secret = await startTestServer(secretPage);
  secret6 = ipv6 ? await startTestServer(secretPage, { host: '::1' }) : undefined;
  // An allowed server that redirects wherever `?to=` says, like a public page turned hostile.
  relay = await startTestServer((req, res) => {
    const to = new URL(req.url ?? '/', 'http://relay').searchParams.get('to') ?? '/';
    res.writeHead(302, { location: to });
    res.end();
  });
});
afterAll(async () => {
  await Promise.all([secret.close(), secret6?.close(), relay.close()]);
});
afterEach(() => {
  const reached = [...secret.requests, ...(secret6?.requests ?? [])];
  secret.requests.splice(0);
  secret6?.requests.splice(0);
  expect(reached).toEqual([]);
});

/** `{P}`: the IPv4 secret port; `{P6}`: the IPv6 one (or the IPv4 one when there is no ::1). */
const at = (template: string) =>
  template
    .replaceAll('{P6}', String(secret6?.port ?? secret.port))
    .replaceAll('{P}', String(secret.port));

const resolve = tableResolver({
  'localtest.me': ['127.0.0.1'],
  'metadata.google.internal': ['169.254.169.254'],
  'intranet.test': ['10.0.0.5'],
  'cgnat.test': ['100.64.0.7'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'v6loop.test': ['::1'],
  'ula.test': ['fd00::1'],
  'linklocal.test': ['fe80::1'],
  'zero.test': ['0.0.0.0'],
  'mixed.test': ['127.0.0.1', '10.0.0.1'],
  'public.test': ['127.0.0.1'],
});
// Short limits: if a check were missing, nothing may hang on an unroutable address.
const base: SafeFetchOptions = { resolve, timeoutMs: 3_000, connectTimeoutMs: 500 };
const onlyLocalhost: SafeFetchOptions = { ...base, allowedCidrs: ['127.0.0.1/32'] };

async function expectRefused(url: string, options: SafeFetchOptions, code: string) {
  const attempt = safeFetch(url, options);
  await expect(attempt).rejects.toMatchObject({ name: 'FetchError', kind: 'permanent', code });
  await expect(attempt).rejects.toMatchObject({ reason: expect.stringMatching(/\S/) });
}

describe('refuses addresses written into the URL', () => {
  it.each([
    ['loopback', 'http://127.0.0.1:{P}/'],
    ['loopback, other address', 'http://127.127.127.127:{P}/'],
    ['loopback, short form', 'http://127.1:{P}/'],
    ['loopback, decimal', 'http://2130706433:{P}/'],
    ['loopback, hex', 'http://0x7f000001:{P}/'],
    ['loopback, hex octet', 'http://0x7f.0.0.1:{P}/'],
    ['loopback, octal', 'http://0177.0.0.1:{P}/'],
    ['loopback, octal number', 'http://017700000001:{P}/'],
    ['loopback, percent-encoded', 'http://%31%32%37.0.0.1:{P}/'],
    ['"0"', 'http://0:{P}/'],
    ['0.0.0.0', 'http://0.0.0.0:{P}/'],
    ['IPv6 loopback', 'http://[::1]:{P6}/'],
    ['IPv6 loopback, long form', 'http://[0:0:0:0:0:0:0:1]:{P6}/'],
    ['IPv6 unspecified', 'http://[::]:{P6}/'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]:{P}/'],
    ['IPv4-mapped loopback, hex', 'http://[::ffff:7f00:1]:{P}/'],
    ['metadata', 'http://169.254.169.254/computeMetadata/v1/'],
    ['metadata, decimal', 'http://2852039166/computeMetadata/v1/'],
    ['metadata, IPv4-mapped', 'http://[::ffff:169.254.169.254]/'],
    ['private 10/8', 'http://10.0.0.1/'],
    ['private 172.16/12', 'http://172.16.0.1/'],
    ['private 192.168/16', 'http://192.168.0.1/'],
    ['CGNAT 100.64/10', 'http://100.64.0.1/'],
    ['link-local', 'http://169.254.1.1/'],
    ['IPv6 unique-local', 'http://[fd00::1]/'],
    ['IPv6 link-local', 'http://[fe80::1]/'],
    ['multicast', 'http://224.0.0.1/'],
    ['broadcast', 'http://255.255.255.255/'],
    ['reserved 240/4', 'http://240.0.0.1/'],
    ['IPv6 multicast', 'http://[ff02::1]/'],
    ['NAT64 of loopback', 'http://[64:ff9b::7f00:1]/'],
    ['6to4 of loopback', 'http://[2002:7f00:1::]/'],
    ['IPv4-compatible loopback', 'http://[::127.0.0.1]/'],
  ])('%s: %s', async (_, url) => {
    await expectRefused(at(url), base, 'blocked-address');
  });
});

describe('refuses names whose answers are not public (resolver injected)', () => {
  it.each([
    ['a public-looking name answering loopback', 'http://localtest.me:{P}/'],
    ['the same, upper case with a trailing dot', 'http://LOCALTEST.ME.:{P}/'],
    ['the metadata server by name', 'http://metadata.google.internal/computeMetadata/v1/'],
    ['a private answer', 'http://intranet.test/'],
    ['a CGNAT answer', 'http://cgnat.test/'],
    ['an IPv4-mapped loopback AAAA', 'http://mapped.test:{P}/'],
    ['a ::1 AAAA', 'http://v6loop.test:{P6}/'],
    ['a unique-local AAAA', 'http://ula.test/'],
    ['a link-local AAAA', 'http://linklocal.test/'],
    ['a 0.0.0.0 answer', 'http://zero.test:{P}/'],
  ])('%s: %s', async (_, url) => {
    await expectRefused(at(url), base, 'blocked-address');
  });
});

describe('refuses names that can never be public before asking any resolver', () => {
  const local = tableResolver({
    localhost: ['127.0.0.1'],
    'app.localhost': ['127.0.0.1'],
    redis: ['127.0.0.1'],
    'metadata.google.internal': ['127.0.0.1'],
    'printer.local': ['127.0.0.1'],
    'nas.home.arpa': ['127.0.0.1'],
    'localhost.localdomain': ['127.0.0.1'],
  });
  it.each([
    'http://localhost:{P}/',
    'http://app.localhost:{P}/',
    'http://redis:{P}/',
    'http://metadata.google.internal:{P}/',
    'http://printer.local:{P}/',
    'http://nas.home.arpa:{P}/',
    'http://localhost.localdomain:{P}/',
  ])('%s', async (url) => {
    // The address check would refuse the answer too; the point is that no query leaves the
    // process: internal resolvers never hear these names.
    const name = new URL(at(url)).hostname;
    await expectRefused(at(url), { ...base, resolve: local }, 'blocked-address');
    expect(local.calls.get(name)).toBeUndefined();
  });
});

describe('allows exactly the allowed ranges', () => {
  it.each([
    ['one allowed and one private answer', 'http://mixed.test:{P}/', ['127.0.0.1/32']],
    ['the address next to the allowed one', 'http://127.0.0.2:{P}/', ['127.0.0.1/32']],
    ['IPv6 loopback is outside an IPv4 range', 'http://[::1]:{P6}/', ['127.0.0.1/32']],
    ['metadata is outside the allowed range', 'http://169.254.169.254/', ['127.0.0.1/32']],
    ['allowing 10/8 does not allow loopback', 'http://127.0.0.1:{P}/', ['10.0.0.0/8']],
  ])('%s: %s', async (_, url, allowedCidrs) => {
    await expectRefused(at(url), { ...base, allowedCidrs }, 'blocked-address');
  });
});

describe('re-checks every redirect (from an allowed server on 127.0.0.1)', () => {
  const via = (target: string) => `${relay.origin}/?to=${encodeURIComponent(at(target))}`;
  it.each([
    ['IPv6 loopback', 'http://[::1]:{P6}/', 'blocked-address'],
    ['a private address', 'http://10.0.0.1/', 'blocked-address'],
    ['the metadata server', 'http://169.254.169.254/computeMetadata/v1/', 'blocked-address'],
    ['the metadata server, decimal', 'http://2852039166/', 'blocked-address'],
    ['the metadata server by name', 'http://metadata.google.internal/', 'blocked-address'],
    ['a name answering private', 'http://intranet.test/', 'blocked-address'],
    ['a loopback address outside the allowed /32', 'http://127.0.0.2:{P}/', 'blocked-address'],
    ['a name with one disallowed answer', 'http://mixed.test:{P}/', 'blocked-address'],
    ['a relative path on a disallowed host', '//10.0.0.1/x', 'blocked-address'],
    ['file:', 'file:///etc/passwd', 'bad-scheme'],
    ['gopher:', 'gopher://127.0.0.1:6379/_INFO', 'bad-scheme'],
    ['credentials', 'http://evil.example@127.0.0.1:{P}/', 'invalid-url'],
    ['a backslash', 'http://127.0.0.1:{P}\\@evil.example/', 'invalid-url'],
  ])('to %s: %s', async (_, target, code) => {
    await expectRefused(via(target), onlyLocalhost, code);
    expect(relay.requests.length).toBeGreaterThan(0);
  });
});

describe('refuses other schemes and URL tricks', () => {
  // 127.0.0.1 is allowed here, so only the URL check stands between these and the secret server.
  it.each([
    ['file:///etc/passwd', 'bad-scheme'],
    ['gopher://127.0.0.1:{P}/_INFO', 'bad-scheme'],
    ['dict://127.0.0.1:{P}/info', 'bad-scheme'],
    ['ftp://127.0.0.1:{P}/', 'bad-scheme'],
    ['data:text/html,<p>SECRET</p>', 'bad-scheme'],
    ['javascript:fetch("http://127.0.0.1:{P}/")', 'bad-scheme'],
    ['http://evil.example@127.0.0.1:{P}/', 'invalid-url'],
    ['http://user:pass@127.0.0.1:{P}/', 'invalid-url'],
    ['http://evil.example\\@127.0.0.1:{P}/', 'invalid-url'],
    ['http:\\\\127.0.0.1:{P}\\', 'invalid-url'],
    ['http://127.0.0.1:{P}/\nHost: evil', 'invalid-url'],
  ])('%j', async (url, code) => {
    await expectRefused(at(url), onlyLocalhost, code);
  });
});

describe('pins the connection to the checked address (DNS rebinding)', () => {
  it('dials only the address that passed the check, however the name answers later', async () => {
    const page = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<p>checked</p>');
    });
    try {
      let answers = 0;
      // First answer allowed; every later one outside the allowed range. A fetch that resolved
      // again at connect time would be refused or would dial 127.0.0.2, where nothing listens.
      const rebinding = tableResolver({
        'rebind.test': () => (answers++ === 0 ? ['127.0.0.1'] : ['127.0.0.2']),
      });
      const result = await safeFetch(`http://rebind.test:${page.port}/`, {
        ...onlyLocalhost,
        resolve: rebinding,
      });
      expect(Buffer.from(result.body).toString()).toBe('<p>checked</p>');
      expect(page.requests).toHaveLength(1);
      expect(page.requests[0]?.headers.host).toBe(`rebind.test:${page.port}`);
      expect(rebinding.calls.get('rebind.test')).toBe(1);
    } finally {
      await page.close();
    }
  });
});
