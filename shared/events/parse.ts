import type { CloudEvent } from 'cloudevents';
import { HTTP, ValidationError } from 'cloudevents';
import { eventDataSchemas, isEventType, type EventTypeName, type MultivacEvent } from './catalogue';
import { EventValidationError, describeIssues } from './errors';

/** What a CloudEvent handler receives; only the attributes MultiVAC reads are required. */
export interface IncomingEvent {
  id?: unknown;
  type?: unknown;
  source?: unknown;
  subject?: unknown;
  data?: unknown;
  data_base64?: unknown;
}

/**
 * Validates an incoming CloudEvent's type and data against the catalogue and returns a typed,
 * frozen view. `accept` narrows the types a handler takes; anything else is rejected with a
 * precise message. The input is never mutated.
 */
export function parseEvent<T extends EventTypeName = EventTypeName>(
  event: IncomingEvent,
  accept?: readonly T[],
): Extract<MultivacEvent, { type: T }> {
  const { id, type, source, subject } = event;
  if (typeof id !== 'string' || id === '') throw new EventValidationError('event has no id');
  if (typeof source !== 'string' || source === '')
    throw new EventValidationError(`event ${id} has no source`);
  if (typeof type !== 'string' || !isEventType(type)) {
    throw new EventValidationError(`event ${id} has unknown type ${JSON.stringify(type)}`);
  }
  if (accept && !(accept as readonly string[]).includes(type)) {
    throw new EventValidationError(
      `event ${id} of type ${type} is not one of ${accept.join(', ')}`,
    );
  }
  let data = event.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      throw new EventValidationError(`event ${id} (${type}) has data that is not JSON`);
    }
  } else if (data instanceof Uint8Array) {
    try {
      data = JSON.parse(Buffer.from(data).toString('utf8'));
    } catch {
      throw new EventValidationError(`event ${id} (${type}) has data that is not JSON`);
    }
  }
  const parsed = eventDataSchemas[type].safeParse(data);
  if (!parsed.success) {
    throw new EventValidationError(
      `invalid data for ${type} (event ${id}): ${describeIssues(parsed.error.issues)}`,
    );
  }
  return Object.freeze({
    id,
    type,
    source,
    ...(typeof subject === 'string' ? { subject } : {}),
    data: Object.freeze(parsed.data),
  }) as unknown as Extract<MultivacEvent, { type: T }>;
}

/**
 * Reads CloudEvents (binary, structured or batch mode) from an HTTP message with the SDK, which
 * checks the CloudEvents 1.0 required attributes. Throws EventValidationError on anything else.
 */
export function eventsFromHttp(
  headers: Record<string, string | string[] | undefined>,
  body: string | Buffer,
): CloudEvent<unknown>[] {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined)
      flat[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  try {
    // The SDK builds events leniently (and invents an id when one is missing), so the required
    // attributes are checked on the wire first and every event is validated after.
    const text = typeof body === 'string' ? body : body.toString('utf8');
    requireAttributes(flat, text);
    const result = HTTP.toEvent({ headers: flat, body: text }) as
      CloudEvent<unknown> | CloudEvent<unknown>[];
    const events = Array.isArray(result) ? result : [result];
    for (const event of events) event.validate();
    return events;
  } catch (err) {
    if (err instanceof EventValidationError) throw err;
    const detail =
      err instanceof ValidationError
        ? `${err.message}${err.errors?.length ? `: ${JSON.stringify(err.errors)}` : ''}`
        : (err as Error).message;
    if (/no cloud event detected/i.test(detail)) {
      throw new EventValidationError(
        'not a CloudEvent: expected ce-* headers or a CloudEvents content type',
      );
    }
    throw new EventValidationError(`invalid CloudEvent: ${detail}`);
  }
}

const REQUIRED = ['id', 'source', 'specversion', 'type'] as const;

function requireAttributes(headers: Record<string, string>, body: string): void {
  const contentType = headers['content-type'] ?? '';
  const structured = /^application\/cloudevents(-batch)?\+json/i.test(contentType);
  if (!structured) {
    if (headers['ce-id'] === undefined) return; // not binary either: the SDK reports "no cloud event"
    const missing = REQUIRED.filter((name) => !headers[`ce-${name}`]);
    if (missing.length)
      throw new EventValidationError(
        `invalid CloudEvent: missing ${missing.map((m) => `ce-${m}`).join(', ')}`,
      );
    checkVersionAndTime(headers['ce-specversion'], headers['ce-time'], '');
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new EventValidationError('invalid CloudEvent: body is not JSON');
  }
  const batch = /batch/i.test(contentType);
  if (batch && !Array.isArray(parsed))
    throw new EventValidationError('invalid CloudEvent: a batch must be a JSON array');
  const items = batch ? (parsed as unknown[]) : [parsed];
  items.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new EventValidationError(
        `invalid CloudEvent${batch ? ` at index ${index}` : ''}: not a JSON object`,
      );
    }
    const missing = REQUIRED.filter(
      (name) =>
        typeof (item as Record<string, unknown>)[name] !== 'string' ||
        (item as Record<string, string>)[name] === '',
    );
    if (missing.length) {
      throw new EventValidationError(
        `invalid CloudEvent${batch ? ` at index ${index}` : ''}: missing ${missing.join(', ')}`,
      );
    }
    const { specversion, time } = item as Record<string, unknown>;
    checkVersionAndTime(specversion, time, batch ? ` at index ${index}` : '');
  });
}

/** MultiVAC speaks CloudEvents 1.0 only, and a `time`, when given, must be an RFC 3339 instant. */
function checkVersionAndTime(specversion: unknown, time: unknown, where: string): void {
  if (specversion !== '1.0')
    throw new EventValidationError(
      `invalid CloudEvent${where}: specversion ${JSON.stringify(specversion)} is not 1.0`,
    );
  if (time === undefined) return;
  if (
    typeof time !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(time) ||
    Number.isNaN(Date.parse(time))
  )
    throw new EventValidationError(
      `invalid CloudEvent${where}: time ${JSON.stringify(time)} is not an RFC 3339 timestamp`,
    );
}
