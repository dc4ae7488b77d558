import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { HTTP } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import {
  EventType,
  makeEvent,
  type EventData,
  type EventTypeName,
} from '../../shared/events/index';
import { eventCatalogue } from './events';

const catalogue = eventCatalogue(resolve(import.meta.dirname, '../..'));
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
const validate = new Map(catalogue.map((e) => [e.type, ajv.compile(e.schema)]));
const valid = (type: EventTypeName, event: unknown) => validate.get(type)!(event);

/** Data each producer could publish (what `makeEvent` accepts). */
const DATA: { [T in EventTypeName]: EventData<T> } = {
  [EventType.SourceRequested]: { sourceId: 'src-1', url: 'https://example.org/a' },
  [EventType.SourceAcquired]: { sourceId: 'src-1', documentId: 'ab12' },
  [EventType.SourceFailed]: { sourceId: 'src-1', reason: 'HTTP 404' },
  [EventType.LearningRequested]: { jobId: 'job-1' },
  [EventType.DocumentLearn]: { jobId: 'job-1', documentIds: ['ab12', 'cd34'], total: 2 },
  [EventType.AnswerUpdated]: { version: 3, status: 'answered', confidence: 0.7 },
};
const TYPES = Object.values(EventType) as EventTypeName[];

/** A real event as it travels in structured mode, from the SDK's own encoding. */
const structured = (type: EventTypeName, options = {}) =>
  JSON.parse(
    HTTP.structured(
      makeEvent(type, DATA[type] as never, { source: '/multivac/test', id: 'e-1', ...options }),
    ).body as string,
  ) as Record<string, unknown>;

describe('the event catalogue', () => {
  it('has one JSON Schema per event type, in docs/api/events/<type>.schema.json', () => {
    expect(catalogue.map((e) => e.type)).toEqual(TYPES);
    for (const e of catalogue) expect(e.file).toBe(`docs/api/events/${e.type}.schema.json`);
  });

  it('has schemas that strict JSON Schema 2020-12 compiles (checked against the meta-schema)', () => {
    for (const e of catalogue) expect(ajv.validateSchema(e.schema), e.type).toBe(true);
  });

  it('names a producer for every type, and the consumers of its triggers', () => {
    for (const e of catalogue) expect(e.producers.length, e.type).toBeGreaterThan(0);
    const by = Object.fromEntries(catalogue.map((e) => [e.type, [e.producers, e.consumers]]));
    expect(by[EventType.SourceRequested]).toEqual([['data'], ['acquire']]);
    expect(by[EventType.AnswerUpdated]).toEqual([['learn'], []]);
  });

  it.each(TYPES)('takes a real %s event', (type) => {
    expect(valid(type, structured(type))).toBe(true);
    expect(valid(type, structured(type, { subject: 'src-1', traceparent: '00-ab-cd-01' }))).toBe(
      true,
    );
  });

  it.each(TYPES)('refuses a malformed %s event', (type) => {
    const event = structured(type);
    const { id: _id, ...noId } = event;
    const other = TYPES.find((t) => t !== type)!;
    const malformed = [
      noId,
      { ...event, specversion: '0.3' },
      { ...event, type: other },
      { ...event, time: 'yesterday' },
      { ...event, data: { ...(event.data as object), extra: 1 } },
      { ...event, data: {} },
      { ...event, data: undefined },
    ];
    for (const m of malformed) expect(valid(type, m), JSON.stringify(m)).toBe(false);
  });

  it.each([
    [EventType.SourceRequested, { sourceId: 'src-1', url: 'file:///etc/passwd' }],
    [EventType.SourceRequested, { sourceId: 'src 1', url: 'https://example.org/' }],
    [EventType.SourceFailed, { sourceId: 'src-1', reason: '' }],
    [EventType.AnswerUpdated, { version: 1, status: 'maybe', confidence: 0.5 }],
    [EventType.AnswerUpdated, { version: 1, status: 'answered', confidence: 1.5 }],
    [EventType.AnswerUpdated, { version: -1, status: 'answered', confidence: 0.5 }],
  ] as const)('refuses %s data that makeEvent refuses too: %j', (type, data) => {
    expect(() => makeEvent(type, data as never, { source: '/multivac/test' })).toThrow();
    expect(valid(type, { ...structured(type), data })).toBe(false);
  });
});
