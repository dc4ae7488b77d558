/**
 * CloudEvents 1.0 over HTTP (binary, structured and batch content modes), strictly; the JSON
 * event format itself is format.ts. The broker keeps its own codec rather than the SDK's `HTTP.toEvent` because
 * a broker must pass events on as they came in: the SDK invents a `time` when there is none,
 * replaces an invalid one silently, accepts any `specversion`, and does not percent-decode
 * binary-mode header values.
 */
import { isUtf8 } from 'node:buffer';
import { ATTRIBUTE_NAME, CodecError, validateEvent, type EventJson } from './format';

export type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** Printable ASCII but `"` and `%`: header values that need no percent-encoding. */
const PLAIN = /^[\x21\x23\x24\x26-\x7e]*$/;

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/** The media type without parameters, lower-cased. */
export const mediaTypeOf = (contentType: string | undefined): string =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** `application/json`, `text/json` and any `+json` suffix type. */
export const isJsonType = (contentType: string | undefined): boolean => {
  const type = mediaTypeOf(contentType);
  return type === 'application/json' || type === 'text/json' || type.endsWith('+json');
};

const isTextType = (contentType: string | undefined): boolean => {
  const type = mediaTypeOf(contentType);
  return type.startsWith('text/') || type === 'application/xml' || type.endsWith('+xml');
};

export type ContentMode = 'binary' | 'structured' | 'batch';

/**
 * Which content mode an HTTP message uses, or a 415 for a message that is no CloudEvent at all
 * or uses an event format other than JSON.
 */
export function contentModeOf(headers: Headers): ContentMode {
  const type = mediaTypeOf(header(headers, 'content-type'));
  if (type === 'application/cloudevents-batch+json') return 'batch';
  if (type === 'application/cloudevents+json') return 'structured';
  if (type.startsWith('application/cloudevents')) {
    throw new CodecError(
      415,
      `event format "${type}" is not supported; use application/cloudevents+json or application/cloudevents-batch+json`,
    );
  }
  for (const name in headers) if (name.startsWith('ce-')) return 'binary';
  throw new CodecError(
    415,
    `not a CloudEvent: send binary mode (ce-* headers) or content type application/cloudevents+json or application/cloudevents-batch+json${type ? `, not "${type}"` : ''}`,
  );
}

/**
 * Reads every event of an HTTP message (one, or a batch), validated; throws CodecError. Header
 * names are in lower case, as Node's server and undici give them.
 */
export function readEvents(headers: Headers, body: Buffer): EventJson[] {
  switch (contentModeOf(headers)) {
    case 'binary':
      return [fromBinary(headers, body)];
    case 'structured':
      return [validateEvent(parseJson(body))];
    case 'batch': {
      const batch = parseJson(body);
      if (!Array.isArray(batch)) throw new CodecError(400, 'a batch must be a JSON array');
      if (batch.length === 0) throw new CodecError(400, 'a batch must hold at least one event');
      return batch.map((item, index) => validateEvent(item, `event ${index} of the batch`));
    }
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(decodeUtf8(body, 'body'));
  } catch (err) {
    if (err instanceof CodecError) throw err;
    throw new CodecError(400, `the body is not valid JSON: ${(err as Error).message}`);
  }
}

/** One decoder for every call: without `stream` a decode keeps no state between calls. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Buffer, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new CodecError(400, `the ${what} is not valid UTF-8`);
  }
}

/** A binary-mode message: attributes from `ce-*` headers (lower-case names), data from the body. */
export function fromBinary(headers: Headers, body: Buffer): EventJson {
  const event: Record<string, unknown> = {};
  for (const name in headers) {
    const value = headers[name];
    if (!name.startsWith('ce-') || value === undefined) continue;
    const attribute = name.slice(3);
    if (attribute === 'datacontenttype') {
      throw new CodecError(400, 'binary mode carries datacontenttype as Content-Type, not ce-*');
    }
    if (!ATTRIBUTE_NAME.test(attribute)) {
      throw new CodecError(400, `invalid CloudEvent: header ${name} names no valid attribute`);
    }
    event[attribute] = percentDecode(Array.isArray(value) ? value.join(', ') : value, name);
  }
  const contentType = header(headers, 'content-type');
  if (contentType !== undefined && contentType !== '') event.datacontenttype = contentType;
  if (body.length > 0) {
    if (isJsonType(contentType)) {
      try {
        event.data = JSON.parse(decodeUtf8(body, 'body'));
      } catch (err) {
        if (err instanceof CodecError) throw err;
        throw new CodecError(
          400,
          `the body is not valid JSON although the content type is ${mediaTypeOf(contentType)}`,
        );
      }
    } else if (isTextType(contentType) && isUtf8(body)) {
      event.data = body.toString('utf8');
    } else {
      // Bytes, or text in another charset: kept exactly, as data_base64.
      event.data_base64 = body.toString('base64');
    }
  }
  return validateEvent(event);
}

/**
 * Percent-decodes a binary-mode header value (HTTP binding §3.1.3.2); a malformed escape or
 * one that is not UTF-8 is a 400.
 */
export function percentDecode(value: string, name = 'header'): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    throw new CodecError(400, `invalid CloudEvent: ${name} has a malformed percent-encoding`);
  }
}

/** Percent-encodes space, `"`, `%` and everything outside printable ASCII, as UTF-8 bytes. */
export function percentEncode(value: string): string {
  if (PLAIN.test(value)) return value; // the usual case: nothing to encode
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code > 0x20 && code < 0x7f && char !== '"' && char !== '%') out += char;
    else
      for (const byte of Buffer.from(char, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** An HTTP request in binary content mode: `ce-*` headers and the data as the body. */
export interface BinaryMessage {
  headers: Record<string, string>;
  body: Buffer;
}

/** The binary-mode message for an event (HTTP binding §3.1). */
export function toBinary(event: EventJson): BinaryMessage {
  const headers: Record<string, string> = {};
  // for…in: once per delivery, and Object.entries' arrays cost more than the headers themselves.
  for (const name in event) {
    if (name === 'data' || name === 'data_base64' || name === 'datacontenttype') continue;
    headers[`ce-${name}`] = percentEncode(String(event[name]));
  }
  const contentType = event.datacontenttype as string | undefined;
  let body = Buffer.alloc(0);
  if (typeof event.data_base64 === 'string') {
    body = Buffer.from(event.data_base64, 'base64');
  } else if ('data' in event) {
    const { data } = event;
    body =
      typeof data === 'string' && contentType !== undefined && !isJsonType(contentType)
        ? Buffer.from(data, 'utf8')
        : Buffer.from(JSON.stringify(data), 'utf8');
    // JSON format §3.1: data without a content type is JSON.
    if (contentType === undefined) headers['content-type'] = 'application/json';
  }
  if (contentType !== undefined) headers['content-type'] = contentType;
  return { headers, body };
}
