import { http } from '@google-cloud/functions-framework';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataFunction } from '../../../functions/data/function';
import { EventType } from '../../../shared/events/index';
import { collections, createStore, type Store } from '../../../shared/store/index';
import { serveFunction, type RunningTestFunction } from '../../support/function-server';
import { freePort } from '../../../tools/services/index';
import { servers, uniqueDbName, uniquePrefix } from '../../support/isolation';
import { startEventSink, type EventSink } from '../../support/sink';

const dbName = uniqueDbName('data');
let sink: EventSink;
let fn: RunningTestFunction;
let limited: RunningTestFunction;
/** With MULTIVAC_FETCH_ALLOWED_CIDRS, as the local stack and the end-to-end tests run it. */
let open: RunningTestFunction;
/** With a Redis that refuses connections (nothing listens on its port). */
let noRedis: RunningTestFunction;
let store: Store;
let db: Db;

const env = (extra: Record<string, string> = {}) => ({
  MONGODB_URI: servers().mongoUri,
  MONGODB_DB: dbName,
  REDIS_URL: servers().redisUrl,
  K_SINK: sink.url,
  LOG_LEVEL: 'silent',
  MULTIVAC_CACHE_PREFIX: uniquePrefix('data').replaceAll(':', '.'),
  ...extra,
});

beforeAll(async () => {
  sink = await startEventSink();
  http('data', dataFunction(env({ MULTIVAC_RATE_LIMIT_PER_MINUTE: '1000' })));
  http('data-limited', dataFunction(env({ MULTIVAC_RATE_LIMIT_PER_MINUTE: '3' })));
  http('data-open', dataFunction(env({ MULTIVAC_FETCH_ALLOWED_CIDRS: '127.0.0.1/32' })));
  const refused = `redis://127.0.0.1:${await freePort()}`;
  http(
    'data-no-redis',
    dataFunction(env({ REDIS_URL: refused, MULTIVAC_RATE_LIMIT_PER_MINUTE: '2' })),
  );
  fn = await serveFunction('data', 'http');
  limited = await serveFunction('data-limited', 'http');
  open = await serveFunction('data-open', 'http');
  noRedis = await serveFunction('data-no-redis', 'http');
  store = createStore({ uri: servers().mongoUri, dbName });
  db = await store.db();
});
afterAll(async () => {
  await fn.close();
  await limited.close();
  await open.close();
  await noRedis.close();
  await sink.close();
  await db.dropDatabase().catch(() => {});
  await store.close();
});
beforeEach(() => {
  sink.status = 202;
  sink.events.length = 0;
});

const put = (
  body: string,
  type = 'application/json',
  base = fn.url,
  headers: Record<string, string> = {},
) =>
  fetch(`${base}/multivac/data`, {
    method: 'PUT',
    headers: { 'content-type': type, ...headers },
    body,
  });

interface SourceBody {
  id: string;
  url: string;
  state: string;
  kind: string;
  reason?: string;
}

describe('PUT /multivac/data', () => {
  it('records a new URL (normalized), answers 202 with Location and publishes source.requested', async () => {
    const res = await put(JSON.stringify({ url: 'HTTP://Example.ORG:80/a/../page#frag' }));
    expect(res.status).toBe(202);
    const body = (await res.json()) as SourceBody;
    expect(body).toMatchObject({ url: 'http://example.org/page', state: 'requested', kind: 'url' });
    expect(res.headers.get('location')).toBe(`/multivac/data/${body.id}`);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({
      type: EventType.SourceRequested,
      source: '/multivac/data',
      data: { sourceId: body.id, url: 'http://example.org/page' },
    });
  });

  it('takes `URL` in a form as the original challenge did, and is idempotent by normalized URL', async () => {
    const first = await put(
      'URL=https%3A%2F%2Fexample.org%2Fform',
      'application/x-www-form-urlencoded',
    );
    expect(first.status).toBe(202);
    const again = await put(JSON.stringify({ URL: 'https://EXAMPLE.org/form' }));
    expect(again.status).toBe(202);
    const [a, b] = [(await first.json()) as SourceBody, (await again.json()) as SourceBody];
    expect(b.id).toBe(a.id);
    // Still on its way: re-published with the same event id, which the broker drops as a duplicate.
    expect(sink.events.map((e) => e.id)).toEqual([sink.events[0]!.id, sink.events[0]!.id]);
    expect(await collections(db).sources.countDocuments({ _id: a.id })).toBe(1);
  });

  it('answers 200 for a page already acquired, 202 and a new request for one that failed', async () => {
    const res = await put(JSON.stringify({ url: 'https://example.org/known' }));
    const { id } = (await res.json()) as SourceBody;
    await collections(db).sources.updateOne(
      { _id: id },
      { $set: { state: 'acquired', documentId: 'd1' } },
    );
    sink.events.length = 0;
    const known = await put(JSON.stringify({ url: 'https://example.org/known' }));
    expect(known.status).toBe(200);
    expect(((await known.json()) as SourceBody).state).toBe('acquired');
    expect(sink.events).toHaveLength(0);

    await collections(db).sources.updateOne(
      { _id: id },
      { $set: { state: 'failed', reason: 'HTTP 404' } },
    );
    const requeued = await put(JSON.stringify({ url: 'https://example.org/known' }));
    expect(requeued.status).toBe(202);
    expect(await requeued.json()).toMatchObject({ id, state: 'requested' });
    expect(sink.events).toHaveLength(1);
    expect((await collections(db).sources.findOne({ _id: id }))?.reason).toBeUndefined();
  });

  it.each([
    ['not a URL', JSON.stringify({ url: 'no scheme here' }), 'application/json', 400],
    ['a non-http scheme', JSON.stringify({ url: 'file:///etc/passwd' }), 'application/json', 400],
    [
      'a private address literal',
      JSON.stringify({ url: 'http://127.0.0.1/admin' }),
      'application/json',
      400,
    ],
    [
      'the metadata address',
      JSON.stringify({ url: 'http://169.254.169.254/' }),
      'application/json',
      400,
    ],
    ['localhost', JSON.stringify({ url: 'http://localhost:8080/admin' }), 'application/json', 400],
    [
      'a *.localhost name',
      JSON.stringify({ url: 'http://api.localhost/' }),
      'application/json',
      400,
    ],
    ['a single-label name', JSON.stringify({ url: 'http://redis:6379/' }), 'application/json', 400],
    [
      'the metadata server by name',
      JSON.stringify({ url: 'http://metadata.google.internal/computeMetadata/v1/' }),
      'application/json',
      400,
    ],
    [
      'a cluster-local name',
      JSON.stringify({ url: 'http://broker.multivac.svc.cluster.local/' }),
      'application/json',
      400,
    ],
    [
      'a home-network name',
      'URL=http%3A%2F%2Fnas.home.arpa%2F',
      'application/x-www-form-urlencoded',
      400,
    ],
    ['a number instead of a string', JSON.stringify({ url: 42 }), 'application/json', 400],
    ['no url at all', JSON.stringify({ link: 'https://example.org' }), 'application/json', 400],
    [
      'url and URL disagreeing',
      JSON.stringify({ url: 'https://a.example', URL: 'https://b.example' }),
      'application/json',
      400,
    ],
    ['a JSON array', JSON.stringify(['https://example.org']), 'application/json', 400],
    ['broken JSON', '{"url": ', 'application/json', 400],
    ['a text body', 'https://example.org', 'text/plain', 415],
  ])('refuses %s with a problem and stores nothing', async (_label, body, type, status) => {
    const before = await collections(db).sources.countDocuments();
    const res = await put(body, type);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { detail: string }).detail).toBeTruthy();
    expect(await collections(db).sources.countDocuments()).toBe(before);
    expect(sink.events).toHaveLength(0);
  });

  it('leaves local names to acquire once private ranges are allowed (the local stack, tests)', async () => {
    const res = await put(
      JSON.stringify({ url: 'http://localhost:8999/page' }),
      'application/json',
      open.url,
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      url: 'http://localhost:8999/page',
      state: 'requested',
    });
    expect(sink.events).toHaveLength(1);
  });

  it('answers 503 when the broker refuses, shows the source as failed, and a retry re-queues it', async () => {
    sink.status = 500;
    const res = await put(JSON.stringify({ url: 'https://example.org/unqueued' }));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    const listed = await fetch(`${fn.url}/multivac/data?state=failed`);
    const { items } = (await listed.json()) as { items: SourceBody[] };
    expect(items.find((s) => s.url === 'https://example.org/unqueued')?.reason).toMatch(
      /PUT the URL again/,
    );

    sink.status = 202;
    const retry = await put(JSON.stringify({ url: 'https://example.org/unqueued' }));
    expect(retry.status).toBe(202);
    expect(sink.events).toHaveLength(1);
  });

  it('limits writes per client address with 429 and Retry-After; another client is not affected', async () => {
    const client = (n: number) => ({ 'x-forwarded-for': `203.0.113.${n}` });
    for (let i = 0; i < 3; i++) {
      const ok = await put(
        JSON.stringify({ url: `https://example.org/rl/${i}` }),
        'application/json',
        limited.url,
        client(7),
      );
      expect(ok.status).toBe(202);
    }
    const refused = await put(
      JSON.stringify({ url: 'https://example.org/rl/x' }),
      'application/json',
      limited.url,
      client(7),
    );
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await collections(db).sources.countDocuments({ url: 'https://example.org/rl/x' })).toBe(
      0,
    );
    // The left-most X-Forwarded-For entry is the client's to forge; the proxy's entry counts.
    const forged = await put(
      JSON.stringify({ url: 'https://example.org/rl/y' }),
      'application/json',
      limited.url,
      {
        'x-forwarded-for': '198.51.100.1, 203.0.113.7',
      },
    );
    expect(forged.status).toBe(429);
    const other = await put(
      JSON.stringify({ url: 'https://example.org/rl/z' }),
      'application/json',
      limited.url,
      client(8),
    );
    expect(other.status).toBe(202);
  });
});

describe('the rate limit without Redis', () => {
  it('falls back to a limit in memory when Redis refuses connections from the first write on', async () => {
    const client = { 'x-forwarded-for': '203.0.113.40' };
    const write = (n: number) =>
      put(
        JSON.stringify({ url: `https://example.org/no-redis/${n}` }),
        'application/json',
        noRedis.url,
        client,
      );
    expect((await write(1)).status).toBe(202);
    expect((await write(2)).status).toBe(202);
    const refused = await write(3);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Raw text counts against the same limit.
    const text = await fetch(`${noRedis.url}/multivac/data`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...client },
      body: JSON.stringify({ text: 'Entropy, counted in memory.' }),
    });
    expect(text.status).toBe(429);
    expect(
      await collections(db).sources.countDocuments({ url: 'https://example.org/no-redis/3' }),
    ).toBe(0);
    // Another client has a window of its own.
    const other = await put(
      JSON.stringify({ url: 'https://example.org/no-redis/other' }),
      'application/json',
      noRedis.url,
      { 'x-forwarded-for': '203.0.113.41' },
    );
    expect(other.status).toBe(202);
  });
});

describe('POST /multivac/data (raw text, as the original app)', () => {
  it('adds form field `data` as a document once; JSON `text` works too', async () => {
    const text = 'Entropy and the arrow of time\n\nThe second law says entropy grows.';
    const res = await fetch(`${fn.url}/multivac/data`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ data: text }).toString(),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as SourceBody & { documentId: string; title: string };
    expect(body).toMatchObject({
      kind: 'text',
      state: 'acquired',
      title: 'Entropy and the arrow of time',
    });
    const doc = await collections(db).documents.findOne({ _id: body.documentId });
    expect(doc?.text).toContain('The second law says entropy grows.');

    const again = await fetch(`${fn.url}/multivac/data`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: `  ${text}\n` }),
    });
    expect(again.status).toBe(200);
    expect(((await again.json()) as SourceBody).id).toBe(body.id);
    expect(await collections(db).documents.countDocuments({ _id: body.documentId })).toBe(1);
    expect(sink.events).toHaveLength(0);
  });

  it('refuses an empty text with 400', async () => {
    const res = await fetch(`${fn.url}/multivac/data`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '   ' }),
    });
    expect(res.status).toBe(400);
  });
});

describe('GET /multivac/data', () => {
  it('pages through sources with an opaque cursor and filters by state', async () => {
    for (let i = 0; i < 5; i++) await put(JSON.stringify({ url: `https://example.org/page-${i}` }));
    const seen = new Set<string>();
    let next: string | null = null;
    let pages = 0;
    do {
      const query: string = next ? `?limit=2&cursor=${next}` : '?limit=2';
      const res = await fetch(`${fn.url}/multivac/data${query}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: SourceBody[]; next: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const item of page.items) seen.add(item.id);
      next = page.next;
      pages++;
    } while (next && pages < 100);
    expect(seen.size).toBe(await collections(db).sources.countDocuments());

    const acquired = (await (await fetch(`${fn.url}/multivac/data?state=acquired`)).json()) as {
      items: SourceBody[];
    };
    expect(acquired.items.every((s) => s.state === 'acquired')).toBe(true);
  });

  it('shows one source, 404 for an unknown one, 400 for a bad query', async () => {
    const created = (await (
      await put(JSON.stringify({ url: 'https://example.org/one' }))
    ).json()) as SourceBody;
    const one = await fetch(`${fn.url}/multivac/data/${created.id}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: created.id, url: 'https://example.org/one' });
    expect((await fetch(`${fn.url}/multivac/data/src-nope`)).status).toBe(404);
    expect((await fetch(`${fn.url}/multivac/data/${encodeURIComponent('$where')}`)).status).toBe(
      404,
    );
    expect((await fetch(`${fn.url}/multivac/data?state=bogus`)).status).toBe(400);
    expect((await fetch(`${fn.url}/multivac/data?limit=0`)).status).toBe(400);
    expect(
      (await fetch(`${fn.url}/multivac/data?cursor=${encodeURIComponent('{"$gt":""}')}`)).status,
    ).toBe(400);
  });
});
