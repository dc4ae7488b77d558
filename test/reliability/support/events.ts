/**
 * Generated CloudEvents over HTTP — well-formed ones in every content mode and malformed ones of
 * known kinds — for fuzzing the broker's ingress and the CloudEvent functions. Each case says
 * whether the broker (a generic CloudEvents 1.0 ingress) and a MultiVAC function (which also holds
 * the event to the catalogue, one event per request) must refuse it; `undefined` means the case
 * may go either way and only has to be answered without a 5xx (the function: without a crash).
 */
import fc from 'fast-check';
import { EventType } from '../../../shared/events/index';
import type { HostileRequest } from './hostile';

export interface EventCase {
  request: HostileRequest;
  /** What was done to it, for failure messages and tallies. */
  kind: string;
  /** The broker must answer 4xx (true) or 202 (false). */
  brokerRefuses?: boolean;
  /** A function must answer 4xx (true); false or undefined: anything but a crash. */
  functionRefuses?: boolean;
}

type Json = Record<string, unknown>;

const id = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,40}$/);
/** Hosts that are never fetched: the functions find no such source and acknowledge the event. */
const url = fc.constantFrom(
  'http://127.0.0.1:9/fuzz',
  'http://fuzz.invalid/a',
  'https://fuzz.invalid/b?c=d',
);

/** Valid data for each type of the catalogue. */
const validData = fc.oneof(
  fc.record({ sourceId: id, url }).map((data) => ({ type: EventType.SourceRequested, data })),
  fc
    .record({ sourceId: id, documentId: id })
    .map((data) => ({ type: EventType.SourceAcquired, data })),
  fc
    .record({ sourceId: id, reason: fc.string({ minLength: 1, maxLength: 100 }) })
    .map((data) => ({ type: EventType.SourceFailed, data })),
  fc.record({ jobId: id }).map((data) => ({ type: EventType.LearningRequested, data })),
  fc
    .record({
      jobId: id,
      documentIds: fc.array(id, { minLength: 1, maxLength: 5 }),
      total: fc.integer({ min: 1, max: 1000 }),
    })
    .map((data) => ({ type: EventType.DocumentLearn, data })),
  fc
    .record({
      version: fc.nat(),
      status: fc.constantFrom('insufficient', 'answered'),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map((data) => ({ type: EventType.AnswerUpdated, data })),
);

const baseEvent = fc
  .record({
    typed: validData,
    id: fc.uuid(),
    subject: fc.option(fc.string({ minLength: 1, maxLength: 30 }), { nil: undefined }),
    time: fc.option(
      fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
      { nil: undefined },
    ),
  })
  .map(({ typed, id: eventId, subject, time }): Json => ({
    specversion: '1.0',
    id: `fuzz-${eventId}`,
    source: '/multivac/fuzz',
    type: typed.type,
    datacontenttype: 'application/json',
    ...(subject !== undefined ? { subject } : {}),
    ...(time ? { time: time.toISOString() } : {}),
    data: typed.data,
  }));

/** An event in binary mode: attributes as percent-encoded ce-* headers, data as the body. */
function binary(event: Json, extraHeaders: Record<string, string> = {}): HostileRequest {
  const headers: Record<string, string> = {};
  let body: Buffer | undefined;
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data') body = Buffer.from(JSON.stringify(value));
    else if (name === 'datacontenttype') headers['content-type'] = String(value);
    else headers[`ce-${name}`] = encodeURIComponent(String(value)).replace(/%2F/gi, '/');
  }
  Object.assign(headers, extraHeaders);
  return { method: 'POST', path: '/', headers, chunked: false, ...(body ? { body } : {}) };
}

const structured = (body: string | Buffer, type = 'application/cloudevents+json') => ({
  method: 'POST',
  path: '/',
  headers: { 'content-type': type },
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  chunked: false,
});

const without = (event: Json, key: string) => {
  const copy = { ...event };
  delete copy[key];
  return copy;
};

/** Well-formed events: the broker takes them (202); a function may take or refuse them. */
const wellFormed = fc.oneof(
  baseEvent.map((e): EventCase => ({ kind: 'binary', request: binary(e), brokerRefuses: false })),
  baseEvent.map((e): EventCase => ({
    kind: 'structured',
    request: structured(JSON.stringify(e)),
    brokerRefuses: false,
  })),
  fc.array(baseEvent, { minLength: 1, maxLength: 5 }).map((events): EventCase => ({
    kind: 'batch',
    request: structured(JSON.stringify(events), 'application/cloudevents-batch+json'),
    brokerRefuses: false,
    // One event per request for a function: a batch of several is refused (one is taken).
    ...(events.length > 1 ? { functionRefuses: true } : {}),
  })),
);

/** Broken by the CloudEvents spec itself: both must refuse. */
const malformed = fc.oneof(
  fc
    .tuple(baseEvent, fc.constantFrom('id', 'source', 'type', 'specversion'), fc.boolean())
    .map(([e, key, asBinary]): EventCase => ({
      kind: `missing ${key}${asBinary ? ' (binary)' : ''}`,
      request: asBinary ? binary(without(e, key)) : structured(JSON.stringify(without(e, key))),
      brokerRefuses: true,
      functionRefuses: true,
    })),
  fc
    .tuple(baseEvent, fc.constantFrom('0.3', '2.0', '', '1', '1.0.0', ' 1.0'), fc.boolean())
    .map(([e, v, asBinary]): EventCase => ({
      kind: `specversion ${JSON.stringify(v)}`,
      request: asBinary
        ? binary({ ...e, specversion: v })
        : structured(JSON.stringify({ ...e, specversion: v })),
      brokerRefuses: true,
      // Not asserted for the functions: the CloudEvents SDK they read events with (HTTP.toEvent)
      // takes any specversion in structured mode — a known leniency, reported, not a crash.
    })),
  fc.tuple(baseEvent, fc.constantFrom('id', 'source', 'type')).map(([e, key]): EventCase => ({
    kind: `empty ${key}`,
    request: structured(JSON.stringify({ ...e, [key]: '' })),
    brokerRefuses: true,
    functionRefuses: true,
  })),
  fc
    .tuple(baseEvent, fc.constantFrom('id', 'source', 'type', 'specversion'))
    .map(([e, key]): EventCase => ({
      kind: `non-string ${key}`,
      request: structured(JSON.stringify({ ...e, [key]: 42 })),
      brokerRefuses: true,
      functionRefuses: true,
    })),
  fc.tuple(baseEvent, fc.nat()).map(([e, cut]): EventCase => {
    const text = JSON.stringify(e);
    return {
      kind: 'truncated JSON',
      request: structured(text.slice(0, cut % (text.length - 1))),
      brokerRefuses: true,
      functionRefuses: true,
    };
  }),
  fc
    .constantFrom('[]', '42', 'null', '"event"', 'true', '[{"specversion":"1.0"}]', '{}')
    .map((body): EventCase => ({
      kind: `structured body ${body}`,
      request: structured(body),
      brokerRefuses: true,
      functionRefuses: true,
    })),
  fc
    .constantFrom('{}', '[]', '"x"', '[1,2]', '[null]', '{"specversion":"1.0"}')
    .map((body): EventCase => ({
      kind: `batch body ${body}`,
      request: structured(body, 'application/cloudevents-batch+json'),
      brokerRefuses: true,
      functionRefuses: true,
    })),
  fc
    .tuple(fc.array(baseEvent, { minLength: 1, maxLength: 3 }), fc.nat())
    .map(([events, at]): EventCase => {
      // One bad event spoils the batch: all-or-nothing.
      const spoiled = events.map((e, i) => (i === at % events.length ? without(e, 'id') : e));
      return {
        kind: 'batch with one bad event',
        request: structured(JSON.stringify(spoiled), 'application/cloudevents-batch+json'),
        brokerRefuses: true,
        functionRefuses: true,
      };
    }),
  baseEvent.map((e): EventCase => ({
    kind: 'event over 256 KiB',
    request: structured(JSON.stringify({ ...e, data: { blob: 'z'.repeat(300 * 1024) } })),
    brokerRefuses: true,
    functionRefuses: true,
  })),
);

/** What the broker (a generic ingress) is strict about and a function may or may not be. */
const brokerStrict = fc.oneof(
  baseEvent.map((e): EventCase => ({
    kind: 'invalid UTF-8',
    request: structured(
      Buffer.concat([
        Buffer.from(JSON.stringify({ ...e, data: undefined }).slice(0, -1) + ',"subject":"'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('"}'),
      ]),
    ),
    brokerRefuses: true,
  })),
  fc
    .tuple(baseEvent, fc.constantFrom('yesterday', '2026-13-01T00:00:00Z', '2026-01-01', ''))
    .map(([e, time]): EventCase => ({
      kind: `time ${JSON.stringify(time)}`,
      request: structured(JSON.stringify({ ...e, time })),
      brokerRefuses: true,
    })),
  fc
    .tuple(baseEvent, fc.constantFrom('Bad', 'with-dash', 'x_y', 'ünï'))
    .map(([e, name]): EventCase => ({
      kind: `attribute name ${name}`,
      request: structured(JSON.stringify({ ...e, [name]: 'v' })),
      brokerRefuses: true,
    })),
  baseEvent.map((e): EventCase => ({
    kind: 'data and data_base64',
    request: structured(JSON.stringify({ ...e, data_base64: 'AAAA' })),
    brokerRefuses: true,
  })),
  baseEvent.map((e): EventCase => ({
    kind: 'bad data_base64',
    request: structured(JSON.stringify({ ...without(e, 'data'), data_base64: '***' })),
    brokerRefuses: true,
  })),
  baseEvent.map((e): EventCase => ({
    kind: 'bad percent-encoding (binary)',
    request: binary({ ...e }, { 'ce-subject': '%zz%' }),
    brokerRefuses: true,
  })),
);

/** Valid CloudEvents a function must refuse: outside the catalogue or its data schema. */
const notInCatalogue = fc.oneof(
  baseEvent.map((e): EventCase => ({
    kind: 'unknown type',
    request: binary({ ...e, type: 'dev.multivac.nope' }),
    brokerRefuses: false,
    functionRefuses: true,
  })),
  fc
    .tuple(
      baseEvent,
      fc.oneof(
        fc.constant({}),
        fc.record({ sourceId: fc.constantFrom('', 'a/b', 'x'.repeat(200), '$where') }),
        fc.record({ jobId: fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.nat())) }),
        fc.record({ url: fc.constantFrom('ftp://x/', 'javascript:1', 42) }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    )
    .map(([e, data]): EventCase => ({
      kind: 'data outside the schema',
      request: binary({ ...e, data: { ...(e.data as Json), ...(data as Json), extra: 1 } }),
      brokerRefuses: false,
      functionRefuses: true,
    })),
);

export const eventCase = fc.oneof(
  { weight: 3, arbitrary: wellFormed },
  { weight: 5, arbitrary: malformed },
  { weight: 2, arbitrary: brokerStrict },
  { weight: 2, arbitrary: notInCatalogue },
);
