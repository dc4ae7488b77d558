/**
 * Hostile HTTP requests for property-based fuzzing (fast-check): random methods, paths, headers,
 * content types, encodings, bodies and sizes, sent with node:http (which, unlike fetch, sends any
 * method token and any header) on a fresh connection each, and raw malformed HTTP over a bare
 * socket. Every request is bounded in time.
 */
import { METHODS, request, type Agent } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

export const BODY_LIMIT = 1024 * 1024;

/** Every property of a run uses this seed (FUZZ_SEED=<n> repeats a run); printed at the start. */
export const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
console.log(`fuzzing with FUZZ_SEED=${SEED}`);

export interface HostileRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Sent with Transfer-Encoding: chunked instead of a Content-Length. */
  chunked: boolean;
}

export interface Outcome {
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The connection failed before a response arrived (reset, broken pipe, timeout). */
  error?: string;
}

/** Requests the server may answer by closing the connection before reading them (see refuse()). */
export function mayBeCutShort(r: HostileRequest, limit = BODY_LIMIT): boolean {
  const encoding = (r.headers['content-encoding'] ?? 'identity').toLowerCase();
  const expect = r.headers.expect?.toLowerCase();
  return (
    // Node's own parser answers 400 and closes; Node answers 417 itself and stops reading.
    !METHODS.includes(r.method) ||
    (expect !== undefined && expect !== '100-continue') ||
    encoding !== 'identity' ||
    (r.body?.length ?? 0) > limit ||
    Number(r.headers['content-length'] ?? 0) > limit
  );
}

/** Sends `r` to `base` and collects the whole answer; never rejects. */
export function send(
  base: string,
  r: HostileRequest,
  agent: Agent,
  timeoutMs = 15_000,
): Promise<Outcome> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Outcome) => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    const headers: Record<string, string> = { ...r.headers };
    // Framed either way, so that no body bytes are left on the connection for the next request
    // (node:http sends a GET's body unframed unless told how).
    if (r.body && r.chunked) headers['transfer-encoding'] = 'chunked';
    else if (r.body && headers['content-length'] === undefined)
      headers['content-length'] = String(r.body.length);
    let req;
    try {
      req = request({
        host: hostname,
        port,
        method: r.method,
        path: r.path,
        headers,
        agent,
        timeout: timeoutMs,
      });
    } catch (err) {
      // node:http refused to build the request (our generator's fault, not the server's).
      done({ headers: {}, body: Buffer.alloc(0), error: `client: ${(err as Error).message}` });
      return;
    }
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', (err) =>
        done({
          status: res.statusCode,
          headers: res.headers,
          body: Buffer.concat(chunks),
          error: err.message,
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) =>
      done({ headers: {}, body: Buffer.alloc(0), error: err.code ?? err.message }),
    );
    if (r.body && r.chunked) {
      const size = Math.max(1, Math.ceil(r.body.length / 3));
      for (let i = 0; i < r.body.length; i += size) req.write(r.body.subarray(i, i + size));
      req.end();
    } else req.end(r.body);
  });
}

/** Sends raw bytes on a fresh connection; resolves with the status line's code, if any. */
export function sendRaw(
  base: string,
  bytes: Buffer,
  timeoutMs = 5_000,
): Promise<{ status?: number; text: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    const finish = () => {
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ ...(m ? { status: Number(m[1]) } : {}), text });
    };
    socket.setTimeout(timeoutMs, finish);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // One answer is enough: stop at the end of its head when it says how long its body is.
      if (/\r\n\r\n/.test(Buffer.concat(chunks).toString('latin1'))) setTimeout(finish, 20);
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => socket.end(bytes));
  });
}

/** A problem the fuzzer found with one outcome, or undefined when it is acceptable. */
export function verdict(r: HostileRequest, o: Outcome): string | undefined {
  if (o.error?.startsWith('client:')) return undefined;
  if (o.status === undefined) {
    if (mayBeCutShort(r) && /ECONNRESET|EPIPE|socket hang up/.test(o.error ?? '')) return undefined;
    return `no answer: ${o.error}`;
  }
  if (o.status >= 500) return `answered ${o.status}: ${o.body.toString('utf8').slice(0, 300)}`;
  return undefined;
}

/**
 * Runs `property` like fc.assert, but fails with a short message (the seed, and the failing
 * request as `describeRequest` put it) instead of printing a counterexample of megabytes.
 */
export async function check<Ts>(
  property: fc.IAsyncProperty<Ts>,
  params: fc.Parameters<Ts>,
): Promise<void> {
  const details = await fc.check(property, { seed: SEED, ...params });
  if (!details.failed) return;
  const cause = details.errorInstance as Error | undefined;
  throw new Error(
    `failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}"): ${cause?.message ?? 'interrupted'}`,
  );
}

/** Short enough to print in a failure message. */
export const describeRequest = (r: HostileRequest) =>
  JSON.stringify({
    method: r.method,
    path: r.path.slice(0, 200),
    headers: r.headers,
    chunked: r.chunked,
    body: r.body
      ? `${r.body.length} bytes: ${JSON.stringify(r.body.subarray(0, 200).toString('latin1'))}`
      : undefined,
  });

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Header-value characters node:http lets through: tab, printable ASCII and Latin-1. */
const headerChar = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.constant(0x09) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
);
export const headerValue = fc
  .array(headerChar, { maxLength: 120 })
  .map((codes) => String.fromCharCode(...codes).trim());

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,24}$/);

export const method = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'TRACE',
      'PROPFIND',
      'MKCOL',
      'LINK',
      'SEARCH',
      'QUERY',
      'PURGE',
      'M-SEARCH',
      'get',
      'Put',
    ),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,12}$/) },
);

/** A path segment: plain, percent-encoded (valid or not), dot segments, odd characters. */
const segment = fc.oneof(
  fc.webSegment(),
  fc.constantFrom(
    '..',
    '.',
    '%2e%2e',
    '%2F',
    '%00',
    '%zz',
    '%',
    '%c0%ae',
    '%ff',
    '~',
    ';a=b',
    '*',
    '%20',
    'a%0d%0ab',
  ),
  fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s)),
  fc.integer({ min: 1, max: 3000 }).map((n) => 'x'.repeat(n)),
);

const query = fc.oneof(
  fc.constant(''),
  fc.webQueryParameters().map((q) => `?${q}`),
  fc
    .array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })), { maxLength: 6 })
    .map(
      (pairs) =>
        `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`,
    ),
  fc.constantFrom(
    '?',
    '?&&&',
    '?a',
    '?a=1&a=2',
    '?limit=-1',
    '?limit=1e9',
    '?state=nope',
    '?cursor=%00',
    '?__proto__[x]=1',
  ),
);

/** Paths: the endpoint's own (more often) and anything else. */
export function path(known: readonly string[]) {
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...known), query).map(([p, q]) => p + q) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...known), fc.array(segment, { minLength: 1, maxLength: 3 }), query)
        .map(([p, s, q]) => `${p.replace(/\/$/, '')}/${s.join('/')}${q}`),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.array(segment, { maxLength: 6 }), query)
        .map(([s, q]) => `/${s.join('/')}${q}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '//multivac',
        '/multivac//data',
        '/MULTIVAC',
        '/multivac%2Fdata',
        '/./multivac',
        '/multivac/data/../../',
        '/favicon.ico',
        '/robots.txt',
        '*',
        '/healthz',
        '/readyz',
        '/metrics',
      ),
    },
  );
}

const mediaType = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=UTF-8',
      'application/json; charset=utf-16',
      'application/json; charset=utf-16le',
      'application/json; charset=latin1',
      'application/json; charset=bogus',
      'application/json;charset="utf-8"',
      'APPLICATION/JSON',
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=iso-8859-1',
      'application/x-www-form-urlencoded; charset=koi8-r',
      'text/plain',
      'text/plain; charset=utf-8',
      'text/html',
      'application/octet-stream',
      'multipart/form-data; boundary=xyz',
      'multipart/form-data',
      'application/cloudevents+json',
      'application/cloudevents-batch+json',
      'application/merge-patch+json',
      'application/vnd.api+json',
      'application/xml',
      '*/*',
      '',
      ';',
      'application/',
      '/json',
      'application/json; charset=utf-8; charset=utf-16',
    ),
  },
  { weight: 1, arbitrary: headerValue },
  { weight: 1, arbitrary: fc.tuple(token, token).map(([a, b]) => `${a}/${b}`) },
);

const accept = fc.oneof(
  fc.constantFrom(
    'application/json',
    'text/plain',
    '*/*',
    'text/*',
    'application/json;q=0, text/plain;q=0',
    'application/json;q=0.5, text/plain;q=0.9',
    'application/json;q=abc',
    'text/html',
    'image/png',
    ',,,',
    'application/json;q=1.0001',
  ),
  headerValue,
);

/** Optional headers; each entry appears or not. */
const headers = fc
  .record(
    {
      accept,
      'accept-encoding': fc.constantFrom(
        'gzip',
        'br',
        'identity;q=0',
        '*;q=0',
        'deflate, gzip;q=1.0, *;q=0.5',
      ),
      'accept-charset': fc.constantFrom('utf-16', 'latin1', '*', 'bogus'),
      'if-none-match': fc.oneof(
        fc.constantFrom('*', '"kv1-text"', 'W/"kv1-json"', '"kv0-text", "x"', '""', 'W/', '"'),
        headerValue,
      ),
      'if-modified-since': fc.oneof(fc.constant('Thu, 01 Jan 1970 00:00:00 GMT'), headerValue),
      'x-forwarded-for': fc.oneof(
        fc.ipV4(),
        fc.ipV6(),
        fc
          .array(fc.oneof(fc.ipV4(), fc.ipV6(), headerValue), { maxLength: 12 })
          .map((a) => a.join(', ')),
        fc.constantFrom(
          'unknown',
          '::ffff:127.0.0.1',
          '[::1]:80',
          '300.1.1.1',
          ', , ,',
          '127.0.0.1, 10.0.0.1',
        ),
      ),
      forwarded: fc.oneof(
        fc.constantFrom(
          'for=1.2.3.4',
          'for="[2001:db8::1]:4711"',
          'for=unknown;proto=http',
          'for=;by=;',
        ),
        headerValue,
      ),
      'x-real-ip': fc.oneof(fc.ipV4(), headerValue),
      traceparent: fc.oneof(
        fc.constantFrom(
          '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          '00-00000000000000000000000000000000-0000000000000000-00',
          'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          '00-zz-yy-01',
          '',
        ),
        headerValue,
      ),
      'x-cloud-trace-context': headerValue,
      authorization: fc.oneof(fc.constant('Bearer x'), headerValue),
      cookie: headerValue,
      'user-agent': headerValue,
      'accept-language': fc.constantFrom('de-CH, fr;q=0.9', '*', 'x'),
      range: fc.constantFrom('bytes=0-1', 'bytes=-1', 'bytes=5-2', 'lines=1'),
      origin: fc.constantFrom('http://evil.test', 'null'),
      'x-http-method-override': method,
      'ce-specversion': fc.constantFrom('1.0', '0.3', '2', ''),
      'ce-type': fc.oneof(
        fc.constantFrom('dev.multivac.source.requested', 'dev.multivac.learning.requested'),
        headerValue,
      ),
      'ce-id': headerValue,
      'ce-source': headerValue,
      upgrade: fc.constantFrom('websocket', 'h2c'),
      connection: fc.constantFrom('close', 'keep-alive', 'upgrade'),
      'x-random': headerValue,
    },
    { requiredKeys: [] },
  )
  .chain((h) =>
    fc
      .tuple(
        fc.array(fc.tuple(token, headerValue), { maxLength: 3 }),
        // Rare: Node itself answers any other expectation with 417 before the function sees it.
        fc.oneof(
          { weight: 19, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constantFrom('100-continue', 'nonsense') },
        ),
      )
      .map(([extra, expect]) => ({
        ...Object.fromEntries(extra.map(([k, v]) => [k.toLowerCase(), v])),
        ...h,
        ...(expect ? { expect } : {}),
      })),
  );

/** URL strings a user might send: real-looking, hostile, malformed. Never resolvable hosts. */
export const urlValue = fc.oneof(
  fc
    .webUrl({ validSchemes: ['http', 'https'] })
    .map((u) => u.replace(/\/\/[^/:?#]+/, '//fuzz.invalid')),
  fc.constantFrom(
    'http://127.0.0.1/',
    'http://localhost:8080/admin',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://0.0.0.0/',
    'http://0x7f000001/',
    'http://2130706433/',
    'http://10.0.0.1/',
    'http://100.64.0.1/',
    'http://224.0.0.1/',
    'file:///etc/passwd',
    'ftp://example.invalid/',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'gopher://example.invalid:70/',
    'http://user:pass@example.invalid/',
    'http://example.invalid:99999/',
    'http://exa mple.invalid/',
    'http://例え.テスト/',
    'http://xn--r8jz45g.xn--zckzah/',
    'HTTP://EXAMPLE.INVALID/%2e%2e/%2e%2e/',
    'http:example.invalid',
    '//example.invalid/',
    'example.invalid',
    'http://',
    'http://.',
    '',
    ' ',
    'http://example.invalid/\u0000',
    'http://example.invalid/\u202e',
  ),
  fc.integer({ min: 4000, max: 70_000 }).map((n) => `http://example.invalid/${'a'.repeat(n)}`),
  fc.string({ maxLength: 80 }),
);

const jsonField = fc.oneof(
  urlValue,
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
);

const jsonBody = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record(
        { url: jsonField, URL: jsonField, text: jsonField, data: jsonField },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
  },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"__proto__":{"url":"http://fuzz.invalid/"}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"url":"http://fuzz.invalid/a","url":"http://fuzz.invalid/b"}',
      '{"url":"http://fuzz.invalid/","URL":"http://fuzz.invalid/other"}',
      '{"url":{"$gt":""}}',
      '{"text":{"$where":"sleep(1000)"}}',
      '{"url":"http://fuzz.invalid/","$set":{"state":"acquired"}}',
      '{"url":1e999}',
      '{"text":"\\ud800"}',
      '{"data":"   "}',
      '{"text":"' + 'x'.repeat(5000) + '"}',
      '{',
      '{"url":',
      'null',
      '[]',
      '""',
      '0',
      'true',
      '\ufeff{"url":"http://fuzz.invalid/bom"}',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 200_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 50_000 })
      .map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  },
);

const formBody = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.constantFrom('url', 'URL', 'data', 'text', 'url[]', 'url[a]', '__proto__[url]', 'x'),
        fc.oneof(urlValue, fc.string({ maxLength: 60 })),
      ),
      { maxLength: 5 },
    )
    .map((pairs) =>
      pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
    ),
  fc.constantFrom(
    'url=%zz',
    'url=%',
    '&&&',
    '=',
    'url',
    'url=a&url=b',
    'data=%00%00',
    'URL=http%3A%2F%2Ffuzz.invalid%2F',
  ),
  fc.string({ maxLength: 200 }),
);

const bodies = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  { weight: 6, arbitrary: jsonBody.map((s) => Buffer.from(s, 'utf8')) },
  { weight: 3, arbitrary: formBody.map((s) => Buffer.from(s, 'utf8')) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: jsonBody.map((s) => Buffer.from(s, 'utf16le')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }).map((s) => Buffer.from(s, 'latin1')) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(BODY_LIMIT - 64, BODY_LIMIT, BODY_LIMIT + 1, 2 * BODY_LIMIT, 64 * 1024)
      .map((n) => {
        const prefix = '{"text":"';
        return Buffer.from(prefix + 'y'.repeat(Math.max(0, n - prefix.length - 2)) + '"}');
      }),
  },
);

const encoding = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'gzip',
      'deflate',
      'br',
      'identity',
      'IDENTITY',
      'GZIP',
      'x-unknown',
      'gzip, identity',
      'zstd',
      '',
    ),
  },
);

/** A hostile request to an endpoint whose own paths are `known`. */
export function hostileRequest(known: readonly string[]) {
  return fc
    .record({
      method,
      path: path(known),
      headers,
      contentType: fc.option(mediaType, { nil: undefined, freq: 4 }),
      encoding,
      body: bodies,
      chunked: fc.boolean(),
      gzipBomb: fc.boolean(),
    })
    .map(
      ({
        method: m,
        path: p,
        headers: h,
        contentType,
        encoding: e,
        body,
        chunked,
        gzipBomb,
      }): HostileRequest => {
        const all: Record<string, string> = { ...h };
        delete all['content-length'];
        delete all['transfer-encoding'];
        delete all.host;
        if (contentType !== undefined) all['content-type'] = contentType;
        let sent = body;
        if (e !== undefined) {
          all['content-encoding'] = e;
          // A real compressed body half the time: 8 MiB of zeros in a few KiB (a small zip bomb).
          if (e.toLowerCase().startsWith('gzip') && gzipBomb)
            sent = gzipSync(Buffer.alloc(8 * 1024 * 1024));
        }
        return {
          method: m,
          path: p,
          headers: all,
          chunked: chunked && sent !== undefined,
          ...(sent ? { body: sent } : {}),
        };
      },
    );
}

/**
 * Requests that look right and often are, mixed in so that the fuzzer also exercises the paths
 * that store something (and so checks that refusals next to them change nothing).
 */
export const plausibleRequest = fc
  .record({
    route: fc.constantFrom(
      { m: 'PUT', p: '/multivac/data', field: 'url' },
      { m: 'PUT', p: '/multivac/data', field: 'URL' },
      { m: 'POST', p: '/multivac/data', field: 'text' },
      { m: 'POST', p: '/multivac', field: '' },
      { m: 'GET', p: '/multivac', field: '' },
    ),
    form: fc.boolean(),
    // Mostly a few fixed values, so that what is stored stays small (a snapshot per request).
    value: fc.oneof(
      {
        weight: 8,
        arbitrary: fc
          .nat({ max: 15 })
          .map((n) => (n % 2 ? `http://fuzz.invalid/page/${n}` : `Entropy note number ${n}.`)),
      },
      { weight: 1, arbitrary: urlValue },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    ),
    accept,
  })
  .map(({ route: { m, p, field }, form, value, accept: a }): HostileRequest => {
    if (!field) return { method: m, path: p, headers: { accept: a }, chunked: false };
    const name = form && field === 'text' ? 'data' : field;
    return {
      method: m,
      path: p,
      headers: {
        accept: a,
        'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
      },
      body: Buffer.from(
        form ? `${name}=${encodeURIComponent(value)}` : JSON.stringify({ [name]: value }),
      ),
      chunked: false,
    };
  });

/** Malformed HTTP on the wire: the server's parser must answer 4xx or close, never fall over. */
export const rawRequest = fc
  .oneof(
    fc.constantFrom(
      'GET / HTTP/1.1\r\n\r\n',
      'GET /multivac HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST /multivac/data HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'POST /multivac/data HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      'PUT /multivac/data HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      'PUT /multivac/data HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
      'GET /multivac HTTP/9.9\r\nHost: x\r\n\r\n',
      'GET /multivac\r\n\r\n',
      'GET  /multivac  HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /multivac HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n',
      'GET /multivac HTTP/1.1\r\nHost: x\r\n Folded: header\r\n\r\n',
      'GET /multivac HTTP/1.1\nHost: x\n\n',
      'GET /multivac HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n',
      `GET /multivac HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(20_000)}\r\n\r\n`,
      `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      'PUT /multivac/data HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"url":',
      'PUT /multivac/data HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}GET / HTTP/1.1\r\n\r\n',
      'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
      '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03',
      'GET /multivac HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n',
      '\r\n\r\n\r\n',
      '\x00\x00\x00\x00',
    ),
    fc.string({ maxLength: 400 }),
    fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a).toString('latin1')),
    fc
      .tuple(
        method,
        fc.string({ maxLength: 60 }),
        fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })), {
          maxLength: 5,
        }),
        fc.string({ maxLength: 100 }),
      )
      .map(
        ([m, p, hs, b]) =>
          `${m} /${p} HTTP/1.1\r\nHost: x\r\n${hs.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${b}`,
      ),
  )
  .map((s) => Buffer.from(s, 'latin1'));
