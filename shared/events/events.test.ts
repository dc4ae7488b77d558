import { CloudEvent, HTTP, type Message } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import {
  EventType,
  EventValidationError,
  createEmitter,
  eventsFromHttp,
  makeEvent,
  parseEvent,
  type EventTypeName,
} from './index';

const source = '/multivac/test';

const valid: Record<EventTypeName, unknown> = {
  [EventType.SourceRequested]: { sourceId: 's1', url: 'https://example.org/a' },
  [EventType.SourceAcquired]: { sourceId: 's1', documentId: 'd1' },
  [EventType.SourceFailed]: { sourceId: 's1', reason: 'HTTP 404' },
  [EventType.LearningRequested]: { jobId: 'j1' },
  [EventType.DocumentLearn]: { jobId: 'j1', documentIds: ['d1'], total: 1 },
  [EventType.AnswerUpdated]: { version: 3, status: 'answered', confidence: 0.7 },
};

const invalid: [EventTypeName, unknown, string][] = [
  [EventType.SourceRequested, { sourceId: 's1' }, 'url'],
  [EventType.SourceRequested, { sourceId: 's1', url: 'file:///etc/passwd' }, 'http or https'],
  [EventType.SourceRequested, { sourceId: 's 1', url: 'https://x.org' }, 'sourceId'],
  [EventType.SourceFailed, { sourceId: 's1', reason: '' }, 'reason'],
  [EventType.DocumentLearn, { jobId: 'j1', documentIds: ['d1'], total: 1, extra: 1 }, 'extra'],
  [EventType.AnswerUpdated, { version: 1, status: 'maybe', confidence: 0.5 }, 'status'],
  [EventType.AnswerUpdated, { version: 1, status: 'answered', confidence: 1.5 }, 'confidence'],
  [EventType.LearningRequested, null, 'data'],
];

describe('catalogue', () => {
  it('is frozen', () => {
    expect(Object.isFrozen(EventType)).toBe(true);
    expect(() => {
      (EventType as Record<string, string>).SourceRequested = 'x';
    }).toThrow();
  });
});

describe('makeEvent', () => {
  it.each(Object.entries(valid))('builds a valid %s', (type, data) => {
    const event = makeEvent(type as EventTypeName, data as never, { source, id: 'fixed' });
    expect(event).toMatchObject({
      specversion: '1.0',
      type,
      source,
      id: 'fixed',
      datacontenttype: 'application/json',
      data,
    });
  });

  it.each(invalid)('refuses invalid %s data before sending', (type, data, fragment) => {
    expect(() => makeEvent(type, data as never, { source })).toThrow(EventValidationError);
    expect(() => makeEvent(type, data as never, { source })).toThrow(fragment);
  });

  it('gives random ids unless told', () => {
    const a = makeEvent(EventType.LearningRequested, { jobId: 'j' }, { source });
    const b = makeEvent(EventType.LearningRequested, { jobId: 'j' }, { source });
    expect(a.id).not.toBe(b.id);
  });
});

describe('parseEvent', () => {
  it.each(Object.entries(valid))('accepts %s', (type, data) => {
    const parsed = parseEvent({ id: 'e', type, source, data });
    expect(parsed).toEqual({ id: 'e', type, source, data });
    expect(Object.isFrozen(parsed.data)).toBe(true);
  });

  it.each(invalid)('rejects invalid %s data with a precise message', (type, data, fragment) => {
    expect(() => parseEvent({ id: 'e', type, source, data })).toThrow(
      new RegExp(`invalid data for ${type.replace(/\./g, '\\.')}.*${fragment}`),
    );
  });

  it.each([
    ['no id', { type: EventType.LearningRequested, source, data: { jobId: 'j' } }, 'no id'],
    [
      'no source',
      { id: 'e', type: EventType.LearningRequested, data: { jobId: 'j' } },
      'no source',
    ],
    [
      'an unknown type',
      { id: 'e', type: 'com.example.other', source, data: {} },
      'unknown type "com.example.other"',
    ],
    [
      'data that is not JSON',
      { id: 'e', type: EventType.LearningRequested, source, data: '{nope' },
      'not JSON',
    ],
  ])('rejects an event with %s', (_name, event, fragment) => {
    expect(() => parseEvent(event)).toThrow(fragment);
  });

  it('narrows to the accepted types', () => {
    const event = { id: 'e', type: EventType.LearningRequested, source, data: { jobId: 'j' } };
    expect(() => parseEvent(event, [EventType.DocumentLearn])).toThrow(
      'is not one of dev.multivac.document.learn',
    );
    expect(parseEvent(event, [EventType.LearningRequested]).data.jobId).toBe('j');
  });

  it('decodes JSON data given as a string or bytes', () => {
    const data = JSON.stringify({ jobId: 'j' });
    expect(parseEvent({ id: 'e', type: EventType.LearningRequested, source, data }).data).toEqual({
      jobId: 'j',
    });
    expect(
      parseEvent({ id: 'e', type: EventType.LearningRequested, source, data: Buffer.from(data) })
        .data,
    ).toEqual({ jobId: 'j' });
  });

  it('never mutates its input', () => {
    const input = Object.freeze({
      id: 'e',
      type: EventType.LearningRequested,
      source,
      data: Object.freeze({ jobId: 'j' }),
    });
    expect(() => parseEvent(input)).not.toThrow();
  });
});

describe('eventsFromHttp', () => {
  const event = makeEvent(
    EventType.DocumentLearn,
    { jobId: 'j1', documentIds: ['d1'], total: 1 },
    { source, id: 'x1' },
  );

  it.each([
    ['binary', HTTP.binary(event)],
    ['structured', HTTP.structured(event)],
  ])('reads a %s-mode event', (_mode, message) => {
    const [read] = eventsFromHttp(
      message.headers as Record<string, string>,
      message.body as string,
    );
    expect(read).toMatchObject({
      id: 'x1',
      type: EventType.DocumentLearn,
      data: { jobId: 'j1', documentIds: ['d1'], total: 1 },
    });
  });

  it('reads a structured event from raw bytes', () => {
    const message = HTTP.structured(event);
    const [read] = eventsFromHttp(
      message.headers as Record<string, string>,
      Buffer.from(message.body as string),
    );
    expect(read!.id).toBe('x1');
  });

  it('reads a batch', () => {
    const second = event.cloneWith({ id: 'x2' });
    const events = eventsFromHttp(
      { 'content-type': 'application/cloudevents-batch+json' },
      JSON.stringify([event.toJSON(), second.toJSON()]),
    );
    expect(events.map((e) => e.id)).toEqual(['x1', 'x2']);
  });

  it.each([
    ['a plain JSON body', { 'content-type': 'application/json' }, '{}', 'not a CloudEvent'],
    [
      'a missing source',
      { 'ce-id': '1', 'ce-type': 't', 'ce-specversion': '1.0' },
      '',
      'invalid CloudEvent',
    ],
    [
      'a structured event without id',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ specversion: '1.0', type: 't', source: '/s' }),
      'invalid CloudEvent',
    ],
    [
      'a binary event of another spec version',
      { 'ce-id': '1', 'ce-type': 't', 'ce-source': '/s', 'ce-specversion': '0.3' },
      '',
      'specversion "0.3" is not 1.0',
    ],
    [
      'a binary event with an unreadable time',
      {
        'ce-id': '1',
        'ce-type': 't',
        'ce-source': '/s',
        'ce-specversion': '1.0',
        'ce-time': 'yesterday',
      },
      '',
      'is not an RFC 3339 timestamp',
    ],
    [
      'a structured event of another spec version',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ id: '1', specversion: '2.0', type: 't', source: '/s' }),
      'specversion "2.0" is not 1.0',
    ],
    [
      'a batch member with an unreadable time',
      { 'content-type': 'application/cloudevents-batch+json' },
      JSON.stringify([
        { id: '1', specversion: '1.0', type: 't', source: '/s', time: '2026-13-45' },
      ]),
      'at index 0: time',
    ],
  ])('rejects %s', (_name, headers, body, fragment) => {
    expect(() => eventsFromHttp(headers, body)).toThrow(fragment);
  });
});

describe('createEmitter', () => {
  function recorder() {
    const messages: Message[] = [];
    return { messages, transport: async (m: Message) => void messages.push(m) };
  }
  const events = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      makeEvent(
        EventType.DocumentLearn,
        { jobId: 'j', documentIds: [`d${i}`], total: 1 },
        { source, id: `e${i}` },
      ),
    );

  it('sends one event in binary mode', async () => {
    const { messages, transport } = recorder();
    await createEmitter({ sink: 'http://sink', transport })(events(1)[0]!);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.headers).toMatchObject({
      'ce-id': 'e0',
      'ce-type': EventType.DocumentLearn,
    });
    expect(JSON.parse(messages[0]!.body as string)).toEqual({
      jobId: 'j',
      documentIds: ['d0'],
      total: 1,
    });
  });

  it('sends several as batches of at most maxBatch', async () => {
    const { messages, transport } = recorder();
    const emitted: string[] = [];
    await createEmitter({
      sink: 'http://sink',
      transport,
      maxBatch: 2,
      onEmitted: (e) => emitted.push(e.id),
    })(events(5));
    expect(messages.map((m) => JSON.parse(m.body as string).length)).toEqual([2, 2, 1]);
    expect(messages[0]!.headers['content-type']).toMatch(/^application\/cloudevents-batch\+json/);
    const roundTrip = messages.flatMap((m) =>
      eventsFromHttp(m.headers as Record<string, string>, m.body as string),
    );
    expect(roundTrip.map((e) => e.id)).toEqual(emitted);
  });

  it('propagates a transport failure', async () => {
    const emit = createEmitter({
      sink: 'http://sink',
      transport: async () => {
        throw new Error('refused');
      },
    });
    await expect(emit(events(1)[0]!)).rejects.toThrow('refused');
  });

  it('treats CloudEvent instances as immutable', () => {
    const event = events(1)[0]!;
    expect(() => {
      (event as unknown as { id: string }).id = 'changed';
    }).toThrow();
    expect(event).toBeInstanceOf(CloudEvent);
  });
});
