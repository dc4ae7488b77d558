import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contentModeOf,
  fromBinary,
  percentDecode,
  percentEncode,
  readEvents,
  toBinary,
} from './codec';
import { CodecError, validateEvent } from './format';

const base = { specversion: '1.0', id: 'e1', source: '/multivac/test', type: 't.x' } as const;
const binaryHeaders = {
  'ce-specversion': '1.0',
  'ce-id': 'e1',
  'ce-source': '/multivac/test',
  'ce-type': 't.x',
};
const STRUCTURED = { 'content-type': 'application/cloudevents+json' };
const BATCH = { 'content-type': 'application/cloudevents-batch+json; charset=utf-8' };
const body = (value: unknown) => Buffer.from(JSON.stringify(value));

function codecError(run: () => unknown): CodecError {
  try {
    run();
  } catch (err) {
    if (err instanceof CodecError) return err;
    throw err;
  }
  throw new Error('expected a CodecError');
}

describe('contentModeOf', () => {
  it.each([
    [{ 'content-type': 'application/cloudevents+json' }, 'structured'],
    [{ 'content-type': 'Application/CloudEvents+JSON; charset=utf-8' }, 'structured'],
    [{ 'content-type': 'application/cloudevents-batch+json' }, 'batch'],
    [{ 'ce-id': '1', 'content-type': 'application/json' }, 'binary'],
    [{ 'ce-specversion': '1.0' }, 'binary'],
  ])('%j → %s', (headers, mode) => {
    expect(contentModeOf(headers)).toBe(mode);
  });

  it.each([
    [{ 'content-type': 'application/json' }, 'not a CloudEvent'],
    [{}, 'not a CloudEvent'],
    [{ 'content-type': 'application/cloudevents+avro' }, 'is not supported'],
  ])('refuses %j with 415', (headers, fragment) => {
    const error = codecError(() => contentModeOf(headers));
    expect(error.status).toBe(415);
    expect(error.message).toContain(fragment);
  });
});

describe('readEvents', () => {
  it.each([
    [
      'binary JSON',
      { ...binaryHeaders, 'content-type': 'application/json' },
      body({ a: 1 }),
      { ...base, datacontenttype: 'application/json', data: { a: 1 } },
    ],
    [
      'binary text',
      { ...binaryHeaders, 'content-type': 'text/plain; charset=utf-8' },
      Buffer.from('héllo'),
      { ...base, datacontenttype: 'text/plain; charset=utf-8', data: 'héllo' },
    ],
    [
      'binary bytes',
      { ...binaryHeaders, 'content-type': 'application/octet-stream' },
      Buffer.from([0, 1, 254, 255]),
      { ...base, datacontenttype: 'application/octet-stream', data_base64: 'AAH+/w==' },
    ],
    [
      'binary text in another charset',
      { ...binaryHeaders, 'content-type': 'text/plain; charset=iso-8859-1' },
      Buffer.from([0x63, 0x61, 0x66, 0xe9]),
      { ...base, datacontenttype: 'text/plain; charset=iso-8859-1', data_base64: 'Y2Fm6Q==' },
    ],
    ['binary without data', binaryHeaders, Buffer.alloc(0), { ...base }],
    [
      'binary with percent-encoded extension',
      { ...binaryHeaders, 'ce-note': 'caf%C3%A9%20au%20lait', 'ce-subject': 's' },
      Buffer.alloc(0),
      { ...base, note: 'café au lait', subject: 's' },
    ],
    [
      'structured, with extensions of every type',
      STRUCTURED,
      body({ ...base, flag: true, count: 3, time: '2024-01-02T03:04:05.6Z', data: [1] }),
      { ...base, flag: true, count: 3, time: '2024-01-02T03:04:05.6Z', data: [1] },
    ],
    [
      'structured with null attributes dropped',
      STRUCTURED,
      body({ ...base, subject: null }),
      { ...base },
    ],
  ])('reads %s', (_name, headers, raw, expected) => {
    const events = readEvents(headers, raw);
    expect(events).toEqual([expected]);
    expect(Object.isFrozen(events[0])).toBe(true);
  });

  it('never adds attributes the sender did not send', () => {
    const [event] = readEvents(binaryHeaders, Buffer.alloc(0));
    expect(Object.keys(event!).sort()).toEqual(['id', 'source', 'specversion', 'type']);
  });

  it('reads a batch in order', () => {
    const events = readEvents(
      BATCH,
      body([
        { ...base, id: 'a' },
        { ...base, id: 'b', data_base64: 'AA==' },
      ]),
    );
    expect(events.map((e) => e.id)).toEqual(['a', 'b']);
  });

  it.each([
    ['specversion 0.3', STRUCTURED, body({ ...base, specversion: '0.3' }), 'specversion must be'],
    ['no specversion', STRUCTURED, body({ id: 'e', source: '/s', type: 't' }), 'missing spec'],
    ['no id', STRUCTURED, body({ ...base, id: '' }), 'missing id'],
    ['no source or type', STRUCTURED, body({ specversion: '1.0', id: 'x' }), 'source, type'],
    ['a source with spaces', STRUCTURED, body({ ...base, source: 'a b' }), 'URI-reference'],
    ['an upper-case attribute', STRUCTURED, body({ ...base, BadExt: 'x' }), '"BadExt"'],
    ['an object extension', STRUCTURED, body({ ...base, ext: { a: 1 } }), 'ext must be'],
    ['a fractional extension', STRUCTURED, body({ ...base, ext: 1.5 }), 'ext must be'],
    ['a bad time', STRUCTURED, body({ ...base, time: 'yesterday' }), 'RFC 3339'],
    ['a relative dataschema', STRUCTURED, body({ ...base, dataschema: 'x' }), 'dataschema'],
    ['a bad content type', STRUCTURED, body({ ...base, datacontenttype: 'json' }), 'media type'],
    [
      'data and data_base64',
      STRUCTURED,
      body({ ...base, data: 1, data_base64: 'AA==' }),
      'exclusive',
    ],
    ['bad base64', STRUCTURED, body({ ...base, data_base64: 'A' }), 'not base64'],
    ['a structured array', STRUCTURED, body([base]), 'not a JSON object'],
    ['invalid JSON', STRUCTURED, Buffer.from('{"id":'), 'not valid JSON'],
    ['invalid UTF-8', STRUCTURED, Buffer.from([0x7b, 0xff, 0x7d]), 'UTF-8'],
    ['a batch that is an object', BATCH, body(base), 'JSON array'],
    ['an empty batch', BATCH, body([]), 'at least one'],
    ['one bad event in a batch', BATCH, body([base, { ...base, id: '' }]), 'event 1 of the batch'],
    [
      'binary JSON data that is not JSON',
      { ...binaryHeaders, 'content-type': 'application/json' },
      Buffer.from('{nope'),
      'not valid JSON',
    ],
    [
      'binary datacontenttype header',
      { ...binaryHeaders, 'ce-datacontenttype': 'application/json' },
      Buffer.alloc(0),
      'Content-Type',
    ],
    [
      'a binary header naming no attribute',
      { ...binaryHeaders, 'ce-data_base64': 'AA==' },
      Buffer.alloc(0),
      'names no valid attribute',
    ],
    ['binary without specversion', { 'ce-id': '1' }, Buffer.alloc(0), 'missing specversion'],
    [
      'a malformed percent-encoding',
      { ...binaryHeaders, 'ce-note': '100%' },
      Buffer.alloc(0),
      'percent-encoding',
    ],
  ])('refuses %s with 400', (_name, headers, raw, fragment) => {
    const error = codecError(() => readEvents(headers, raw));
    expect(error.status).toBe(400);
    expect(error.message).toContain(fragment);
  });
});

describe('toBinary', () => {
  it.each([
    [
      'JSON data',
      { ...base, datacontenttype: 'application/json', data: { a: 1 } },
      'application/json',
      '{"a":1}',
    ],
    [
      'JSON data without a content type',
      { ...base, data: { a: 1 } },
      'application/json',
      '{"a":1}',
    ],
    [
      'a JSON string',
      { ...base, datacontenttype: 'application/json', data: 'hi' },
      'application/json',
      '"hi"',
    ],
    ['text', { ...base, datacontenttype: 'text/plain', data: 'hi' }, 'text/plain', 'hi'],
    [
      'bytes',
      { ...base, datacontenttype: 'application/octet-stream', data_base64: 'aGk=' },
      'application/octet-stream',
      'hi',
    ],
    ['no data', { ...base }, undefined, ''],
  ])('encodes %s', (_name, event, contentType, expectedBody) => {
    const message = toBinary(validateEvent(event));
    expect(message.headers['content-type']).toBe(contentType);
    expect(message.body.toString('utf8')).toBe(expectedBody);
    expect(message.headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-id': 'e1',
      'ce-source': '/multivac/test',
      'ce-type': 't.x',
    });
    expect(message.headers['ce-datacontenttype']).toBeUndefined();
  });

  it('writes extensions as strings, percent-encoded', () => {
    const message = toBinary(validateEvent({ ...base, flag: false, n: 7, note: 'a "b" 100%é' }));
    expect(message.headers).toMatchObject({
      'ce-flag': 'false',
      'ce-n': '7',
      'ce-note': 'a%20%22b%22%20100%25%C3%A9',
    });
  });

  const attribute = fc.string({ unit: 'grapheme', maxLength: 40 });
  const event = fc.record({
    id: attribute.filter((s) => s !== ''),
    source: fc.webUrl(),
    type: attribute.filter((s) => s !== ''),
    ext: attribute,
    data: fc.jsonValue(),
  });

  it('round-trips through binary mode (property)', () => {
    fc.assert(
      fc.property(event, ({ id, source, type, ext, data }) => {
        const original = validateEvent({
          specversion: '1.0',
          id,
          source,
          type,
          ext,
          datacontenttype: 'application/json',
          data,
        });
        const message = toBinary(original);
        // Every header value is a legal HTTP header value: printable ASCII only.
        for (const value of Object.values(message.headers)) expect(value).toMatch(/^[!-~]*$/);
        expect(fromBinary(message.headers, message.body)).toEqual(
          JSON.parse(JSON.stringify(original)),
        );
      }),
    );
  });
});

describe('percent-encoding', () => {
  it('round-trips any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        expect(percentDecode(percentEncode(value))).toBe(value);
      }),
    );
  });

  it('leaves printable ASCII but space, quote and percent alone', () => {
    expect(percentEncode('abc/XYZ-09:{}')).toBe('abc/XYZ-09:{}');
  });
});
