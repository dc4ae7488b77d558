import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedHtml } from './generated';
import { CORPUS } from './manifest';
import { readSource } from './source';
import { startCorpusServer, type CorpusServer } from './server';

let server: CorpusServer;

beforeAll(async () => {
  server = await startCorpusServer();
});
afterAll(async () => {
  await server.stop();
});

const get = (path: string, init?: RequestInit) =>
  fetch(`${server.baseUrl}${path}`, { redirect: 'manual', ...init });

describe('corpus pages', () => {
  it('lists every manifest page on 127.0.0.1', () => {
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.pages.map((p) => p.path)).toEqual(CORPUS.map((e) => `/pages/${e.file}`));
    for (const page of server.pages) expect(page.url).toBe(`${server.baseUrl}${page.path}`);
  });

  it.each(CORPUS.map((e) => [e.file, e] as const))(
    '%s is sent in its charset, declared where the manifest says',
    async (file, entry) => {
      const res = await get(`/pages/${file}`);
      expect(res.status).toBe(200);
      const type = res.headers.get('content-type') ?? '';
      expect(type.startsWith(file.endsWith('.txt') ? 'text/plain' : 'text/html')).toBe(true);
      const inHeader = entry.declared === 'header' || entry.declared === 'both';
      expect(type.includes(`charset=${entry.charset}`)).toBe(inHeader);
      const bytes = Buffer.from(await res.arrayBuffer());
      const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      expect(hasBom).toBe(entry.bom === true);
      const body = hasBom ? bytes.subarray(3) : bytes;
      expect(iconv.decode(body, entry.charset)).toBe(readSource(entry));
      if (entry.charset !== 'UTF-8' && /[^\p{ASCII}]/u.test(readSource(entry))) {
        // A non-ASCII page in a legacy charset is not valid UTF-8 on the wire.
        expect(body.toString('utf8')).not.toBe(readSource(entry));
      }
    },
  );

  it('serves the manifest as JSON and an index', async () => {
    const manifest = (await (await get('/manifest.json')).json()) as { path: string }[];
    expect(manifest.map((p) => p.path)).toEqual(server.pages.map((p) => p.path));
    const index = await (await get('/')).text();
    for (const entry of CORPUS) expect(index).toContain(`/pages/${entry.file}`);
  });

  it('answers HEAD with headers only', async () => {
    const res = await get(`/pages/${CORPUS[0]?.file}`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });
});

describe('generated pages', () => {
  it.each([
    [0, 'true'],
    [1, 'false'],
    [2, 'false'],
    [3, 'true'],
  ])('/generated/%i.html is deterministic and about 5 KB (relevant: %s)', async (n, relevant) => {
    const res = await get(`/generated/${n}.html`);
    expect(res.headers.get('x-corpus-relevant')).toBe(relevant);
    const body = await res.text();
    expect(body).toBe(generatedHtml(n));
    expect(Buffer.byteLength(body)).toBeGreaterThan(4500);
    expect(Buffer.byteLength(body)).toBeLessThan(6500);
  });
});

describe('utility routes', () => {
  it('redirects to a given location with a given status', async () => {
    const res = await get('/redirect?to=%2Fpages%2Fsecond-law.html&status=301');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/pages/second-law.html');
  });

  it('follows a redirect chain of n hops to the target', async () => {
    const hops: string[] = [];
    let path = '/redirect-chain/3?to=%2Fpages%2Fbig-bounce.html';
    for (;;) {
      const res = await get(path);
      if (res.status !== 302) {
        expect(res.status).toBe(200);
        break;
      }
      path = res.headers.get('location') ?? '';
      hops.push(path);
    }
    expect(hops).toHaveLength(3);
    expect(hops.at(-1)).toBe('/pages/big-bounce.html');
  });

  it.each([
    ['/status/404', 404],
    ['/no/such/page', 404],
    ['/pages/missing.html', 404],
    ['/status/500', 500],
  ])('%s → %i', async (path, status) => {
    expect((await get(path)).status).toBe(status);
  });

  it('fails with 503 the given number of times, then serves the page', async () => {
    const path = '/flaky/2/pages/heat-death.html?run=flaky-test';
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(path)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(server.hits(path)).toBe(3);
  });

  it('serves a page after a delay, and trickles a page in parts', async () => {
    expect((await get('/slow/20/pages/landauer-principle.html')).status).toBe(200);
    const trickled = await get('/trickle/5/generated/7.html');
    expect(await trickled.text()).toBe(generatedHtml(7));
  });

  it('serves a large page of exactly the requested size, and a binary', async () => {
    const large = await get('/large/100000');
    expect((await large.arrayBuffer()).byteLength).toBe(100000);
    const binary = await get('/binary');
    expect(binary.headers.get('content-type')).toBe('image/png');
  });
});

describe('stop', () => {
  it('closes the server', async () => {
    const other = await startCorpusServer();
    await other.stop();
    await expect(fetch(`${other.baseUrl}/`)).rejects.toThrow();
  });
});
