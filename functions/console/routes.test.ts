import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../shared/http/index';
import { createLogger } from '../../shared/log/index';
import { assetTable } from './assets';
import { CONTENT_SECURITY_POLICY } from './headers';
import { consolePage } from './page';
import { consoleRoutes } from './routes';

const quiet = createLogger({
  service: 'console-test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});

const file = (name: string, type: string, body: string) => ({
  name,
  type,
  base64: Buffer.from(body).toString('base64'),
});
const manifest = {
  entries: { 'main.js': 'main-AB12.js', 'main.css': 'main-CD34.css', 'favicon.svg': 'fav-EF.svg' },
  files: [
    file('main-AB12.js', 'text/javascript; charset=utf-8', 'console.log(1)'),
    file('main-CD34.css', 'text/css; charset=utf-8', 'body{}'),
    file('fav-EF.svg', 'image/svg+xml', '<svg/>'),
  ],
};

let server: Server;
let base: string;
beforeAll(async () => {
  const assets = assetTable(manifest);
  const handle = createRouter(
    consoleRoutes({ assets, page: consolePage(assets, 'Why <this> & "that"?') }),
    { log: quiet },
  );
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the page', () => {
  it('is HTML with the strict policy, revalidated on every load, varying by Accept', async () => {
    const res = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('vary')).toBe('Accept');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/console/main-AB12.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/console/main-CD34.css">');
    expect(html).toContain('href="/console/fav-EF.svg"');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('Why &lt;this&gt; &amp; &quot;that&quot;?');
  });

  it('has no inline script or style for the policy to refuse', async () => {
    const html = await (await fetch(`${base}/`)).text();
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script type="module" src="/console/main-AB12.js">',
    ]);
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=|javascript:/i);
  });

  it('answers HEAD without a body', async () => {
    const res = await fetch(`${base}/`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await res.text()).toBe('');
  });
});

describe('the policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );

  it.each([
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'"]],
    ['connect-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['require-trusted-types-for', ["'script'"]],
  ])('%s %j', (name, values) => expect(directives.get(name)).toEqual(values));

  it('allows nothing inline, no eval, no other origin', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|https?:|\*|data:|blob:/);
  });
});

describe('the assets', () => {
  it.each([
    ['main-AB12.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
    ['main-CD34.css', 'text/css; charset=utf-8', 'body{}'],
    ['fav-EF.svg', 'image/svg+xml', '<svg/>'],
  ])('%s is served as %s, cached for good (its name has its hash)', async (name, type, body) => {
    const res = await fetch(`${base}/console/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe(body);
  });

  it.each(['/console/main.js', '/console/..%2Fmain-AB12.js', '/console/', '/console/a/b'])(
    '%s is a 404 problem',
    async (path) => {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    },
  );

  it('refuses writes with 405', async () => {
    expect((await fetch(`${base}/console/main-AB12.js`, { method: 'PUT' })).status).toBe(405);
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
  });
});

describe('assetTable', () => {
  it.each([
    ['no manifest', undefined, /unusable/],
    ['a missing entry', { ...manifest, entries: { 'main.js': 'main-AB12.js' } }, /unusable/],
    [
      'a file it names but lacks',
      { ...manifest, files: manifest.files.slice(1) },
      /lack main-AB12/,
    ],
    [
      'a file name with a path',
      { ...manifest, files: [...manifest.files, file('../x.js', 'text/javascript', '')] },
      /plain file name/,
    ],
  ])('refuses %s at start', (_name, value, error) => {
    expect(() => assetTable(value)).toThrow(error);
  });
});
