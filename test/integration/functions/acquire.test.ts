import { randomBytes } from 'node:crypto';
import { cloudEvent } from '@google-cloud/functions-framework';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireFunction } from '../../../functions/acquire/function';
import { EventType } from '../../../shared/events/index';
import { contentHash } from '../../../shared/extract/index';
import {
  normalizeUrl,
  systemResolver,
  UNRESOLVABLE_HOST_REASON,
} from '../../../shared/fetch/index';
import { tableResolver } from '../../../shared/fetch/testing';
import { metricsForProcess } from '../../../shared/metrics/index';
import { collections, createStore, type SourceDoc, type Store } from '../../../shared/store/index';
import { startCorpusServer, type CorpusServer } from '../../corpus/server';
import { entryFor } from '../../corpus/source';
import { pageText } from '../../corpus/text';
import { serveFunction, type RunningTestFunction } from '../../support/function-server';
import { servers, uniqueDbName } from '../../support/isolation';
import { startEventSink, type EventSink } from '../../support/sink';

const dbName = uniqueDbName('acquire');
const MAX_ATTEMPTS = 3;
let corpus: CorpusServer;
let sink: EventSink;
let fn: RunningTestFunction;
/** The same function without MULTIVAC_FETCH_ALLOWED_CIDRS: loopback is refused. */
let closed: RunningTestFunction;
/**
 * Names as an internal zone would answer them (the system resolver for anything else, so that
 * `localhost` is answered by /etc/hosts): the cases a failure reason must not tell apart.
 */
const internalZone = {
  'db.corp.example': ['10.20.0.5'],
  'mixed.corp.example': ['93.184.215.14', '10.20.0.6'],
  'nothing.corp.example': [],
};
let store: Store;
let db: Db;

beforeAll(async () => {
  corpus = await startCorpusServer();
  sink = await startEventSink();
  const env = {
    MONGODB_URI: servers().mongoUri,
    MONGODB_DB: dbName,
    K_SINK: sink.url,
    LOG_LEVEL: 'silent',
    MULTIVAC_FETCH_TIMEOUT_MS: '2000',
    MULTIVAC_FETCH_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
  };
  cloudEvent('acquire', acquireFunction({ ...env, MULTIVAC_FETCH_ALLOWED_CIDRS: '127.0.0.1/32' }));
  fn = await serveFunction('acquire', 'cloudevent');
  const zone = tableResolver(internalZone);
  const resolve = (name: string) => (name in internalZone ? zone(name) : systemResolver(name));
  cloudEvent('acquire-closed', acquireFunction(env, { resolve }));
  closed = await serveFunction('acquire-closed', 'cloudevent');
  store = createStore({ uri: servers().mongoUri, dbName });
  db = await store.db();
});
afterAll(async () => {
  await fn?.close();
  await closed?.close();
  await sink?.close();
  await corpus?.stop();
  await db?.dropDatabase().catch(() => {});
  await store?.close();
});
beforeEach(() => {
  sink.status = 202;
  sink.events.length = 0;
});

const run = () => randomBytes(4).toString('hex');

/** A source as `data` records it: normalized URL, state `requested`. */
const newSource = (path: string) => newSourceAt(corpus.baseUrl + path);

async function newSourceAt(url: string): Promise<SourceDoc> {
  const at = new Date();
  const source: SourceDoc = {
    _id: `src-${run()}`,
    url: normalizeUrl(url),
    kind: 'url',
    state: 'requested',
    requestedAt: at,
    updatedAt: at,
  };
  await collections(db).sources.insertOne(source);
  return source;
}

const requestId = (s: SourceDoc) => `source.requested:${s._id}:${s.requestedAt.getTime()}`;
const acquiredId = (s: SourceDoc) => `source.acquired:${s._id}:${s.requestedAt.getTime()}`;
const failedId = (s: SourceDoc) => `source.failed:${s._id}:${s.requestedAt.getTime()}`;

type Mode = 'binary' | 'structured';

/** Delivers `source.requested` as the broker does, in binary (ce-* headers) or structured mode. */
function deliver(
  data: { sourceId: string; url: string },
  {
    mode = 'binary',
    id = `req-${run()}`,
    to = fn,
  }: { mode?: Mode; id?: string; to?: RunningTestFunction } = {},
): Promise<Response> {
  const attributes = { id, type: EventType.SourceRequested, source: '/multivac/data' };
  if (mode === 'binary') {
    return fetch(to.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': attributes.id,
        'ce-type': attributes.type,
        'ce-source': attributes.source,
      },
      body: JSON.stringify(data),
    });
  }
  return fetch(to.url, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
    body: JSON.stringify({
      specversion: '1.0',
      ...attributes,
      datacontenttype: 'application/json',
      data,
    }),
  });
}

const request = (s: SourceDoc, options: { mode?: Mode; to?: RunningTestFunction } = {}) =>
  deliver({ sourceId: s._id, url: s.url }, { ...options, id: requestId(s) });

const sourceOf = async (s: SourceDoc) => (await collections(db).sources.findOne({ _id: s._id }))!;

describe('acquire through the Functions Framework', () => {
  it('acquires a page: document stored, source acquired, source.acquired emitted, 204', async () => {
    const entry = entryFor('second-law.html'); // windows-1252, declared in <meta> only
    const s = await newSource(`/pages/${entry.file}`);
    const res = await request(s);
    expect(res.status).toBe(204);

    const source = await sourceOf(s);
    expect(source).toMatchObject({ state: 'acquired', attempts: 1 });
    expect(source.reason).toBeUndefined();
    expect(source.title).toContain('Second law');
    const doc = await collections(db).documents.findOne({ _id: source.documentId! });
    expect(doc).not.toBeNull();
    expect(doc!._id).toBe(contentHash(doc!.text));
    expect(doc!.sourceIds).toEqual([s._id]);
    expect(doc!.url).toBe(s.url);
    // Every paragraph of the article body is in the extracted text, decoded correctly.
    for (const paragraph of pageText(entry).text.split('\n\n').slice(0, 3)) {
      expect(doc!.text).toContain(paragraph);
    }

    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({
      type: EventType.SourceAcquired,
      source: '/multivac/acquire',
      id: acquiredId(s),
      data: { sourceId: s._id, documentId: doc!._id },
    });
  });

  it('a redelivery (structured mode) stores nothing new and re-sends the same event id', async () => {
    const s = await newSource('/pages/entropy-explained.html');
    expect((await request(s)).status).toBe(204);
    const first = await sourceOf(s);
    const documents = await collections(db).documents.countDocuments();

    expect((await request(s, { mode: 'structured' })).status).toBe(204);
    expect(await collections(db).documents.countDocuments()).toBe(documents);
    expect(await sourceOf(s)).toEqual(first);
    expect(sink.events.map((e) => e.id)).toEqual([acquiredId(s), acquiredId(s)]);
    expect(corpus.hits('/pages/entropy-explained.html')).toBe(1);
  });

  it('decodes a Shift_JIS page delivered in structured mode', async () => {
    const entry = entryFor('entropy-japanese-notes.html');
    const s = await newSource(`/pages/${entry.file}`);
    expect((await request(s, { mode: 'structured' })).status).toBe(204);
    const doc = await collections(db).documents.findOne({ _id: (await sourceOf(s)).documentId! });
    const firstParagraph = pageText(entry).text.split('\n\n')[0]!;
    expect(doc!.text).toContain(firstParagraph);
  });

  it('two URLs with the same content make one document with both sources', async () => {
    const a = await newSource('/pages/heat-death.html');
    const b = await newSource(
      `/redirect?to=${encodeURIComponent('/pages/heat-death.html')}&run=${run()}`,
    );
    expect((await request(a)).status).toBe(204);
    expect((await request(b, { mode: 'structured' })).status).toBe(204);
    const [sa, sb] = [await sourceOf(a), await sourceOf(b)];
    expect(sa.state).toBe('acquired');
    expect(sb.state).toBe('acquired');
    expect(sb.documentId).toBe(sa.documentId);
    const docs = await collections(db).documents.find({ _id: sa.documentId! }).toArray();
    expect(docs).toHaveLength(1);
    expect([...docs[0]!.sourceIds].sort()).toEqual([a._id, b._id].sort());
    expect(sink.events.map((e) => e.id)).toEqual([acquiredId(a), acquiredId(b)]);
  });

  it('404: the source fails with a reason, source.failed is emitted, the event is acknowledged', async () => {
    const s = await newSource(`/status/404?run=${run()}`);
    expect((await request(s)).status).toBe(204);
    const source = await sourceOf(s);
    expect(source.state).toBe('failed');
    expect(source.reason).toBe('server answered 404 (Not Found)');
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({
      type: EventType.SourceFailed,
      id: failedId(s),
      data: { sourceId: s._id, reason: 'server answered 404 (Not Found)' },
    });

    // Redelivered: the same outcome, the same event id, no second fetch.
    expect((await request(s, { mode: 'structured' })).status).toBe(204);
    expect(sink.events.map((e) => e.id)).toEqual([failedId(s), failedId(s)]);
    expect(corpus.hits(new URL(s.url).pathname + new URL(s.url).search)).toBe(1);
  });

  it.each([
    ['/binary', /content type image\/png is not accepted/],
    ['/large/0', /no readable text/],
  ])('%s is a permanent failure', async (path, reason) => {
    const s = await newSource(`${path}?run=${run()}`);
    expect((await request(s)).status).toBe(204);
    const source = await sourceOf(s);
    expect(source.state).toBe('failed');
    expect(source.reason).toMatch(reason);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]!.type).toBe(EventType.SourceFailed);
  });

  it(`503: answers 500 so the broker retries, and records the failure after ${MAX_ATTEMPTS} attempts`, async () => {
    const s = await newSource(`/status/503?run=${run()}`);
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      expect((await request(s, { mode: attempt % 2 ? 'binary' : 'structured' })).status).toBe(500);
      const source = await sourceOf(s);
      expect(source).toMatchObject({ state: 'fetching', attempts: attempt });
      expect(source.reason).toBe(
        `attempt ${attempt} of ${MAX_ATTEMPTS} failed: server answered 503 (Service Unavailable)`,
      );
      expect(sink.events).toHaveLength(0);
    }
    expect((await request(s)).status).toBe(204);
    const reason = `gave up after ${MAX_ATTEMPTS} attempts: server answered 503 (Service Unavailable)`;
    expect(await sourceOf(s)).toMatchObject({ state: 'failed', attempts: MAX_ATTEMPTS, reason });
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({ id: failedId(s), data: { sourceId: s._id, reason } });
    expect(corpus.hits(new URL(s.url).pathname + new URL(s.url).search)).toBe(MAX_ATTEMPTS);
  });

  it('a flaky page is acquired on the retry', async () => {
    const s = await newSource(`/flaky/1/pages/big-bounce.html?run=${run()}`);
    expect((await request(s)).status).toBe(500);
    expect((await request(s)).status).toBe(204);
    expect(await sourceOf(s)).toMatchObject({ state: 'acquired', attempts: 2 });
    expect((await sourceOf(s)).reason).toBeUndefined();
    expect(sink.events.map((e) => e.id)).toEqual([acquiredId(s)]);
  });

  it('a timeout is transient (500)', async () => {
    const s = await newSource(`/slow/5000/pages/arrow-of-time.html?run=${run()}`);
    expect((await request(s)).status).toBe(500);
    const source = await sourceOf(s);
    expect(source.state).toBe('fetching');
    expect(source.reason).toMatch(/longer than 2000 ms/);
  });

  it('refuses loopback without allowed CIDRs: failed with the reason, and no request made', async () => {
    const path = `/pages/landauer-principle.html?run=${run()}`;
    const s = await newSource(path);
    expect((await request(s, { to: closed })).status).toBe(204);
    const source = await sourceOf(s);
    expect(source.state).toBe('failed');
    expect(source.reason).toBe(UNRESOLVABLE_HOST_REASON);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({
      type: EventType.SourceFailed,
      id: failedId(s),
      data: { sourceId: s._id, reason: UNRESOLVABLE_HOST_REASON },
    });
    expect(corpus.hits(path)).toBe(0);
  });

  it('tells users the same thing for a private, a missing and an address-less name: no DNS oracle', async () => {
    const port = new URL(corpus.baseUrl).port;
    const hosts = [
      'db.corp.example', // resolves to a private address
      'mixed.corp.example', // one public and one private address
      'nothing.corp.example', // exists, no addresses
      'gone.corp.example', // does not exist (NXDOMAIN)
      'localhost', // the real resolver: /etc/hosts
      '127.0.0.1', // a literal
    ];
    const reasons = new Map<string, string | undefined>();
    for (const host of hosts) {
      const s = await newSourceAt(`http://${host}:${port}/pages/heat-death.html?run=${run()}`);
      expect((await request(s, { to: closed })).status, host).toBe(204);
      const source = await sourceOf(s);
      expect(source.state, host).toBe('failed');
      // The stored reason is what GET /multivac/data/{id} shows.
      reasons.set(host, source.reason);
    }
    expect(new Set(reasons.values())).toEqual(new Set([UNRESOLVABLE_HOST_REASON]));
    expect(JSON.stringify(sink.events)).not.toMatch(/10\.20\.0\.|127\.0\.0\.1|ENOTFOUND|private/);
  });

  it('an unknown source is acknowledged and nothing is stored or emitted', async () => {
    const sourceId = `src-${run()}`;
    const res = await deliver({ sourceId, url: `${corpus.baseUrl}/pages/heat-death.html` });
    expect(res.status).toBe(204);
    expect(await collections(db).sources.findOne({ _id: sourceId })).toBeNull();
    expect(await collections(db).documents.countDocuments({ sourceIds: sourceId })).toBe(0);
    expect(sink.events).toHaveLength(0);
  });

  it('an event whose URL is not the source URL is acknowledged and ignored', async () => {
    const s = await newSource('/pages/maxwells-demon.html');
    const res = await deliver({ sourceId: s._id, url: `${corpus.baseUrl}/pages/other.html` });
    expect(res.status).toBe(204);
    expect(await sourceOf(s)).toEqual(s);
    expect(sink.events).toHaveLength(0);
  });

  it.each([
    [
      'data without url',
      {
        headers: {
          'content-type': 'application/json',
          'ce-specversion': '1.0',
          'ce-id': 'bad-1',
          'ce-type': EventType.SourceRequested,
          'ce-source': '/multivac/data',
        },
        body: JSON.stringify({ sourceId: 'src-x' }),
      },
    ],
    [
      'a URL that is not http',
      {
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({
          specversion: '1.0',
          id: 'bad-2',
          type: EventType.SourceRequested,
          source: '/multivac/data',
          data: { sourceId: 'src-x', url: 'file:///etc/passwd' },
        }),
      },
    ],
    [
      'a structured event that is not JSON',
      { headers: { 'content-type': 'application/cloudevents+json' }, body: '{"specversion":' },
    ],
    ['no CloudEvent at all', { headers: { 'content-type': 'application/json' }, body: '{}' }],
  ])('a malformed event (%s) gets 400', async (_name, init) => {
    const res = await fetch(fn.url, { method: 'POST', ...init });
    expect(res.status).toBe(400);
    expect(sink.events).toHaveLength(0);
  });

  it('a sink refusing the outcome makes a 500; the redelivery re-sends it', async () => {
    const s = await newSource('/pages/poincare-recurrence.html');
    sink.status = 500;
    expect((await request(s)).status).toBe(500);
    const source = await sourceOf(s);
    expect(source.state).toBe('acquired'); // recorded before the emit
    expect(sink.events).toHaveLength(0);

    sink.status = 202;
    expect((await request(s)).status).toBe(204);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({
      type: EventType.SourceAcquired,
      id: acquiredId(s),
      data: { sourceId: s._id, documentId: source.documentId },
    });
    expect(await sourceOf(s)).toEqual(source);
    expect(corpus.hits('/pages/poincare-recurrence.html')).toBe(1);
  });

  it('counts fetches by outcome and the bytes fetched', async () => {
    const text = await metricsForProcess('acquire').registry.metrics();
    expect(text).toMatch(
      /multivac_acquire_fetches_total\{outcome="acquired",code="ok"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(/multivac_acquire_fetches_total\{outcome="retry",code="http-status"/);
    expect(text).toMatch(/multivac_acquire_fetches_total\{outcome="gave-up",code="http-status"/);
    expect(text).toMatch(/multivac_acquire_fetches_total\{outcome="failed",code="blocked-address"/);
    expect(text).toMatch(/multivac_acquire_fetched_bytes_sum\{[^}]*\} [1-9]/);
  });
});
