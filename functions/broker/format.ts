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
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return invalid(where, 'not a JSON object');
  }
  // for…in rather than Object.entries: this runs for every event the ingress takes, and the
  // entries' arrays were most of its cost. JSON.parse and the binary codec make plain objects.
  const source = input as Record<string, unknown>;
  const event: Record<string, unknown> = {};
  for (const name in source) {
    if (!Object.hasOwn(source, name)) continue;
    const value = source[name];
    if (value === null || value === undefined) continue;
    if (name !== 'data' && name !== 'data_base64' && !ATTRIBUTE_NAME.test(name)) {
      invalid(where, `attribute name "${name}" must consist of lower-case letters and digits`);
    }
    event[name] = value;
  }
  if (event.specversion === undefined) invalid(where, 'missing specversion');
  if (event.specversion !== '1.0')
    invalid(where, `specversion must be "1.0", not ${JSON.stringify(event.specversion)}`);
  if (!isText(event.id) || !isText(event.source) || !isText(event.type)) {
    const missing = REQUIRED.filter((name) => !isText(event[name]));
    invalid(where, `missing ${missing.join(', ')}`);
  }
  if (/[\s\p{Cc}]/u.test(event.source as string)) {
    invalid(where, 'source must be a URI-reference (no whitespace or control characters)');
  }
  for (const name in event) {
    if (name === 'data') continue;
    const value = event[name];
    switch (name) {
      case 'specversion':
      case 'id':
      case 'source':
      case 'type':
        break; // checked above
      case 'data_base64':
        if (typeof value !== 'string' || !BASE64.test(value))
          invalid(where, 'data_base64 is not base64');
        if ('data' in event) invalid(where, 'data and data_base64 are mutually exclusive');
        break;
      case 'time':
        if (typeof value !== 'string' || !RFC3339.test(value))
          invalid(where, `time ${JSON.stringify(value)} is not an RFC 3339 timestamp`);
        break;
      case 'datacontenttype':
        if (typeof value !== 'string' || !MEDIA_TYPE.test(value))
          invalid(where, `datacontenttype ${JSON.stringify(value)} is not a media type`);
        break;
      case 'dataschema':
        if (typeof value !== 'string' || !URL.canParse(value))
          invalid(where, `dataschema ${JSON.stringify(value)} is not an absolute URI`);
        break;
      case 'subject':
        if (typeof value !== 'string' || value === '')
          invalid(where, 'subject must be a non-empty string');
        break;
      default:
        if (
          typeof value !== 'string' &&
          typeof value !== 'boolean' &&
          !(typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < INT32)
        ) {
          invalid(where, `attribute ${name} must be a string, a boolean or a 32-bit integer`);
        }
    }
  }
  return Object.freeze(event) as EventJson;
}

const isText = (value: unknown): boolean => typeof value === 'string' && value !== '';

function invalid(where: string, detail: string): never {
  throw new CodecError(400, `invalid CloudEvent: ${where}: ${detail}`);
}
