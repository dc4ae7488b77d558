/**
 * The CloudEvents 1.0 JSON event format, strictly: what an event may hold and how it is checked
 * (codec.ts carries events over HTTP in its three content modes).
 */

/** A CloudEvent in the CloudEvents JSON format: attributes, plus `data` or `data_base64`. */
export interface EventJson {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly [attribute: string]: unknown;
}

/** Why a message is not an acceptable CloudEvent; `status` is the HTTP answer (400, 415). */
export class CodecError extends Error {
  override name = 'CodecError';
  constructor(
    readonly status: 400 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** Attribute names: lower-case letters and digits (a `ce-*` header must name one too). */
export const ATTRIBUTE_NAME = /^[a-z0-9]+$/;
const REQUIRED = ['id', 'source', 'type'] as const;
const RFC3339 =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const MEDIA_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+\s*(;.*)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INT32 = 2 ** 31;

/**
 * Checks an event in the JSON format against CloudEvents 1.0: `specversion` 1.0, the required
 * attributes, attribute names, the types of the optional attributes and extensions, and data.
 * Null attributes count as absent (JSON format §2.2). Returns a fresh, frozen copy.
 */
export function validateEvent(input: unknown, where = 'the event'): EventJson {
  const fail = (detail: string): never => {
    throw new CodecError(400, `invalid CloudEvent: ${where}: ${detail}`);
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail('not a JSON object');
  }
  const event: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === null || value === undefined) continue;
    if (name !== 'data' && name !== 'data_base64' && !ATTRIBUTE_NAME.test(name)) {
      fail(`attribute name "${name}" must consist of lower-case letters and digits`);
    }
    event[name] = value;
  }
  if (event.specversion === undefined) fail('missing specversion');
  if (event.specversion !== '1.0')
    fail(`specversion must be "1.0", not ${JSON.stringify(event.specversion)}`);
  const missing = REQUIRED.filter((name) => typeof event[name] !== 'string' || event[name] === '');
  if (missing.length) fail(`missing ${missing.join(', ')}`);
  if (/[\s\p{Cc}]/u.test(event.source as string)) {
    fail('source must be a URI-reference (no whitespace or control characters)');
  }
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data') continue;
    switch (name) {
      case 'data_base64':
        if (typeof value !== 'string' || !BASE64.test(value)) fail('data_base64 is not base64');
        if ('data' in event) fail('data and data_base64 are mutually exclusive');
        break;
      case 'time':
        if (typeof value !== 'string' || !RFC3339.test(value))
          fail(`time ${JSON.stringify(value)} is not an RFC 3339 timestamp`);
        break;
      case 'datacontenttype':
        if (typeof value !== 'string' || !MEDIA_TYPE.test(value))
          fail(`datacontenttype ${JSON.stringify(value)} is not a media type`);
        break;
      case 'dataschema':
        if (typeof value !== 'string' || !URL.canParse(value))
          fail(`dataschema ${JSON.stringify(value)} is not an absolute URI`);
        break;
      case 'subject':
        if (typeof value !== 'string' || value === '') fail('subject must be a non-empty string');
        break;
      default:
        if (
          typeof value !== 'string' &&
          typeof value !== 'boolean' &&
          !(typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < INT32)
        ) {
          fail(`attribute ${name} must be a string, a boolean or a 32-bit integer`);
        }
    }
  }
  return Object.freeze(event) as EventJson;
}
