import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extract } from '../extract/index';
import { FetchError } from './errors';
import { safeFetch, USER_AGENT, type SafeFetchOptions } from './safe-fetch';
import { pinnedTestTls, startTestServer, tableResolver, type TestServer } from './testing';

const maxBytes = 64 * 1024;
const html =
  '<!doctype html><html><head><title>Entropy</title></head><body><p>Hello</p></body></html>';
const gzipBomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
/** A compressed body with bytes flipped in the middle of its data: the decoder must refuse it. */
const corrupt = (compressed: Buffer) => {
  const bytes = Buffer.from(compressed);
  for (let i = 12; i < bytes.length - 8; i += 7) bytes[i]! ^= 0x5a;
  return bytes;
};
const longHtml = html.repeat(40);
const corruptBodies: Record<string, Buffer> = {
  gzip: corrupt(gzipSync(longHtml)),
  deflate: corrupt(deflateSync(longHtml)),
  br: corrupt(brotliCompressSync(longHtml)),
};
const cafe = 'Café – naïve “quotes” cost €5';
const japanese = 'エントロピーは減少しない';
const charsetPages: Record<string, [Record<string, string>, Buffer]> = {
  'header-over-meta': [
    { 'content-type': 'text/html; charset=windows-1252' },
    iconv.encode(`<html><head><meta charset="utf-8"></head><body><p>${cafe}</p></body></html>`, 'windows-1252'),
  ],
  'meta-only': [
    { 'content-type': 'text/html' },
    iconv.encode(`<html><head><meta charset="shift_jis"></head><body><p>${japanese}</p></body></html>`, 'Shift_JIS'),
  ],
}; // prettier-ignore

/** Routes of the local "web": each path is one behaviour a real server may show. */
function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://site');
  const send = (
    status: number,
    headers: Record<string, string | number>,
    body?: string | Buffer,
  ) => {
    res.writeHead(status, headers);
    res.end(body);
  };
  const [, first, second] = url.pathname.split('/');
  switch (first) {
    case 'page':
      return send(200, { 'content-type': 'text/html; charset=UTF-8', etag: '"v1"' }, html);
    case 'xhtml':
      return send(200, { 'content-type': 'application/xhtml+xml' }, html);
    case 'plain':
      return send(200, { 'content-type': 'text/plain', 'content-language': 'en' }, 'Just text.');
    case 'type':
      return send(200, second ? { 'content-type': decodeURIComponent(second) } : {}, '{}');
    case 'status':
      return send(Number(second), { 'content-type': 'text/html', 'retry-after': '120' }, 'x');
    case 'chain': {
      // /chain/3 → /chain/2 → /chain/1 → /chain/0 → /page, relative and absolute Locations.
      const left = Number(second);
      const next = left > 0 ? `/chain/${left - 1}` : `http://public.test:${url.port || port}/page`;
      return send(left % 2 ? 301 : 307, { location: next });
    }
    case 'charset': {
      const [headers, body] = charsetPages[second ?? ''] ?? [{}, ''];
      return send(200, headers, body);
    }
    case 'no-location':
      return send(302, {});
    case 'big':
      return send(200, { 'content-type': 'text/html' }, Buffer.alloc(maxBytes + 1, 'a'));
    case 'big-chunked': {
      res.writeHead(200, { 'content-type': 'text/html' });
      for (let i = 0; i < 20; i++) res.write(Buffer.alloc(8 * 1024, 'a'));
      return void res.end();
    }
    case 'exact':
      return send(200, { 'content-type': 'text/html' }, Buffer.alloc(maxBytes, 'a'));
    case 'gzip':
      return send(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }, gzipSync(html));
    case 'gzip-bomb':
      return send(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }, gzipBomb);
    case 'corrupt':
      return send(
        200,
        { 'content-type': 'text/html', 'content-encoding': second ?? '' },
        corruptBodies[second ?? ''],
      );
    case 'compress':
      return send(200, { 'content-type': 'text/html', 'content-encoding': 'compress' }, 'x');
    case 'silent':
      return; // never answers; the server's close() ends the socket
    case 'drip': {
      // Headers at once, then one byte every 50 ms: 30 s for the whole body if nobody cuts it off.
      res.writeHead(200, { 'content-type': 'text/html' });
      const timer = setInterval(() => res.write('a'), 50);
      const stop = setTimeout(() => res.end(), 30_000);
      return void res.on('close', () => (clearInterval(timer), clearTimeout(stop)));
    }
    case 'stall': {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<p>start');
      const stop = setTimeout(() => res.end(), 30_000);
      return void res.on('close', () => clearTimeout(stop));
    }
    default:
      return send(404, { 'content-type': 'text/html' }, 'not here');
  }
}

let site: TestServer;
let port: number;
beforeAll(async () => {
  site = await startTestServer(route);
  port = site.port;
});
afterAll(() => site.close());

const resolve = tableResolver({ 'public.test': ['127.0.0.1'], 'www.public.test': ['127.0.0.1'] });
const options: SafeFetchOptions = {
  allowedCidrs: ['127.0.0.1/32'],
  resolve,
  maxBytes,
  timeoutMs: 10_000,
};
const get = (path: string, extra: SafeFetchOptions = {}) =>
  safeFetch(`http://public.test:${port}${path}`, { ...options, ...extra });
const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');

async function failure(attempt: Promise<unknown>): Promise<FetchError> {
  const err = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchError);
  return err as FetchError;
}

describe('safeFetch fetches what it may', () => {
  it('an HTML page, with its headers, as the allowed local server sent it', async () => {
    const page = await get('/page#fragment');
    expect(page).toMatchObject({
      url: `http://public.test:${port}/page`,
      status: 200,
      contentType: 'text/html; charset=UTF-8',
      mediaType: 'text/html',
      charset: 'utf-8',
      headers: { etag: '"v1"' },
      redirects: [],
    });
    expect(text(page.body)).toBe(html);
    const seen = site.requests.at(-1);
    expect(seen?.url).toBe('/page');
    expect(seen?.headers['user-agent']).toBe(USER_AGENT);
    expect(seen?.headers['user-agent']).toBe('MultiVAC/0.1');
    expect(seen?.headers.host).toBe(`public.test:${port}`);
  });

  it('an IP-literal URL inside the allowed range', async () => {
    const page = await safeFetch(`${site.origin}/page`, options);
    expect(text(page.body)).toBe(html);
  });

  it.each([
    ['/plain', 'text/plain', 'Just text.'],
    ['/xhtml', 'application/xhtml+xml', html],
    ['/gzip', 'text/html', html],
  ])('%s as %s', async (path, mediaType, body) => {
    const page = await get(path);
    expect(page.mediaType).toBe(mediaType);
    expect(text(page.body)).toBe(body);
  });

  it('a body of exactly maxBytes', async () => {
    expect((await get('/exact')).body.byteLength).toBe(maxBytes);
  });

  it('a redirect chain within the allowed addresses, re-resolving each new host', async () => {
    const page = await get('/chain/3');
    expect(page.url).toBe(`http://public.test:${port}/page`);
    expect(page.redirects).toEqual(
      [0, 1, 2, 3].map((n) => `http://public.test:${port}/chain/${3 - n}`),
    );
    expect(text(page.body)).toBe(html);
  });

  it('follows exactly maxRedirects redirects and refuses one more', async () => {
    expect((await get('/chain/2', { maxRedirects: 3 })).redirects).toHaveLength(3);
    const err = await failure(get('/chain/2', { maxRedirects: 2 }));
    expect(err).toMatchObject({ kind: 'permanent', code: 'too-many-redirects' });
    const none = await failure(get('/chain/0', { maxRedirects: 0 }));
    expect(none).toMatchObject({ kind: 'permanent', code: 'too-many-redirects' });
  });

  it('never follows more than 5 redirects, whatever the options say', async () => {
    const err = await failure(get('/chain/5', { maxRedirects: 50 }));
    expect(err).toMatchObject({ kind: 'permanent', code: 'too-many-redirects' });
  });
});

describe('safeFetch hands extract what it needs to decode the page', () => {
  it.each([
    ['the header charset over a contradicting <meta>', 'header-over-meta', 'windows-1252', cafe],
    ['a <meta> charset when the header has none', 'meta-only', undefined, japanese],
  ])('%s', async (_, page, charset, expected) => {
    const fetched = await get(`/charset/${page}`);
    expect(fetched.charset).toBe(charset);
    const document = await extract(fetched.body, {
      contentType: fetched.contentType,
      url: fetched.url,
      contentLanguage: fetched.headers.contentLanguage,
    });
    expect(document.text).toBe(expected);
  });
});

describe('safeFetch verifies TLS against the host name while pinned', () => {
  let tls: TestServer;
  beforeAll(async () => {
    tls = await startTestServer(route, { tls: pinnedTestTls });
  });
  afterAll(() => tls.close());
  const tlsResolve = tableResolver({ 'pinned.test': ['127.0.0.1'], 'other.test': ['127.0.0.1'] });
  const tlsOptions = { ...options, resolve: tlsResolve, ca: pinnedTestTls.cert };

  it('accepts the certificate for the name it dialled, connected to the checked address', async () => {
    const page = await safeFetch(`https://pinned.test:${tls.port}/page`, tlsOptions);
    expect(text(page.body)).toBe(html);
  });

  it.each([
    ['a certificate for another name', 'other.test', tlsOptions],
    ['an untrusted certificate', 'pinned.test', { ...tlsOptions, ca: undefined }],
  ])('refuses %s', async (_, host, opts) => {
    const err = await failure(safeFetch(`https://${host}:${tls.port}/page`, opts));
    expect(err).toMatchObject({ kind: 'permanent', code: 'tls' });
  });
});

describe('safeFetch refuses what it must not keep', () => {
  it.each([
    ['/type/application%2Fjson', 'application/json'],
    ['/type/image%2Fpng', 'image/png'],
    ['/type/application%2Foctet-stream', 'application/octet-stream'],
    ['/type/text%2Fhtmlx', 'text/htmlx'],
    ['/type/', 'missing'],
    ['/type/garbage', 'invalid'],
  ])('content type %s', async (path, what) => {
    const err = await failure(get(path));
    expect(err).toMatchObject({ kind: 'permanent', code: 'content-type' });
    expect(err.reason).toContain(what);
  });

  it.each([
    ['/big', 'declared too large'],
    ['/big-chunked', 'chunked past the limit'],
    ['/gzip-bomb', 'inflating past the limit'],
  ])('an oversize body: %s (%s)', async (path) => {
    expect(await failure(get(path))).toMatchObject({ kind: 'permanent', code: 'too-large' });
  });

  it('an unknown content encoding', async () => {
    expect(await failure(get('/compress'))).toMatchObject({
      kind: 'permanent',
      code: 'content-encoding',
    });
  });

  it.each(['gzip', 'deflate', 'br'])(
    'a corrupt %s body (a protocol failure: fetching it again gets the same bytes)',
    async (encoding) => {
      const err = await failure(get(`/corrupt/${encoding}`));
      expect(err).toMatchObject({ kind: 'permanent', code: 'protocol' });
      expect(err.reason).toMatch(/corrupt/);
    },
  );

  it('a redirect without a Location', async () => {
    expect(await failure(get('/no-location'))).toMatchObject({
      kind: 'permanent',
      code: 'bad-redirect',
    });
  });
});

describe('safeFetch cuts off slow servers (transient)', () => {
  it.each([
    ['a body that drips forever, by the overall timeout', '/drip', { timeoutMs: 300 }],
    ['no headers, by the headers timeout', '/silent', { headersTimeoutMs: 300 }],
    ['no headers, by the overall timeout', '/silent', { timeoutMs: 300 }],
    ['a stalled body, by the idle timeout', '/stall', { bodyIdleTimeoutMs: 300 }],
  ])('%s', async (_, path, extra) => {
    const err = await failure(get(path, extra));
    expect(err).toMatchObject({ kind: 'transient', code: 'timeout' });
  });

  it('a cancelled fetch', async () => {
    const controller = new AbortController();
    const attempt = get('/silent', { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await failure(attempt)).toMatchObject({ kind: 'transient', code: 'aborted' });
  });
});

describe('safeFetch classifies HTTP statuses', () => {
  it.each([
    [400, 'permanent'],
    [401, 'permanent'],
    [403, 'permanent'],
    [404, 'permanent'],
    [410, 'permanent'],
    [451, 'permanent'],
    [300, 'permanent'],
    [304, 'permanent'],
    [408, 'transient'],
    [429, 'transient'],
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
    [504, 'transient'],
  ])('%i is %s', async (status, kind) => {
    const err = await failure(get(`/status/${status}`));
    expect(err).toMatchObject({ kind, code: 'http-status', status });
    expect(err.reason).toContain(String(status));
    if (kind === 'transient') expect(err.retryAfterSeconds).toBe(120);
  });
});

describe('safeFetch classifies resolver and connection failures', () => {
  const failingResolver = (code: string) => async () => {
    throw Object.assign(new Error(`getaddrinfo ${code} example.test`), { code });
  };
  it.each([
    ['ENOTFOUND', 'permanent'],
    ['ENODATA', 'permanent'],
    ['EAI_AGAIN', 'transient'],
    ['ESERVFAIL', 'transient'],
    ['ETIMEOUT', 'transient'],
  ])('DNS %s is %s', async (code, kind) => {
    const err = await failure(
      safeFetch('http://example.test/', { ...options, resolve: failingResolver(code) }),
    );
    expect(err).toMatchObject({ kind, code: 'dns', url: 'http://example.test/' });
  });

  it('a name without addresses is permanent', async () => {
    const err = await failure(
      safeFetch('http://empty.test/', { ...options, resolve: async () => [] }),
    );
    expect(err).toMatchObject({ kind: 'permanent', code: 'dns' });
  });

  it('a refused connection is transient', async () => {
    const closed = await startTestServer(() => {});
    await closed.close();
    const err = await failure(safeFetch(`http://127.0.0.1:${closed.port}/`, options));
    expect(err).toMatchObject({ kind: 'transient', code: 'connection' });
  });

  it('a resolver that never answers is cut off by the overall timeout', async () => {
    const hanging = () => new Promise<never>(() => {});
    const err = await failure(
      safeFetch('http://slow-dns.test/', { ...options, resolve: hanging, timeoutMs: 300 }),
    );
    expect(err).toMatchObject({ kind: 'transient', code: 'timeout' });
  });
});
