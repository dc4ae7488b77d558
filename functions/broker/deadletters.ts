import type { Redis } from 'ioredis';
import type { Dispatcher } from 'undici';
import type { EventJson } from './codec';
import { deliver, type Attempt } from './deliver';
import { fieldMap } from './entry';
import type { BrokerKeys } from './keys';
import type { DeadLetterKind } from './metrics';
import { DEAD_LETTER, REDRIVE } from './scripts';
import { runScript } from '../../shared/redis/index';

/** Why an entry is dead-lettered. */
export interface Failure {
  readonly kind: DeadLetterKind;
  readonly reason: string;
  /** The subscriber's last HTTP status, when it answered. */
  readonly status?: number;
  /** Delivery attempts made. */
  readonly attempts: number;
  /** The start of the subscriber's last answer. */
  readonly body?: string;
}

/** A dead letter as listed by the admin API. */
export interface DeadLetter {
  /** Its id in the dead-letter stream (what re-drive takes). */
  readonly id: string;
  readonly trigger: string;
  readonly kind: string;
  readonly reason: string;
  readonly status: number | null;
  readonly attempts: number;
  /** The id the entry had in the event stream. */
  readonly entry: string;
  readonly subscriber: string;
  /** When it was dead-lettered (ISO 8601). */
  readonly time: string;
  /** The event as published; null when the entry held none that could be read. */
  readonly event: EventJson | null;
}

/**
 * Acknowledges the entry and appends its dead letter in one step. Returns the dead letter's id,
 * or null when the entry was no longer pending for the group (someone else finished it).
 */
export async function writeDeadLetter(
  redis: Redis,
  keys: BrokerKeys,
  {
    group,
    entry,
    event,
    subscriber,
  }: { group: string; entry: string; event: string; subscriber: string },
  failure: Failure,
): Promise<string | null> {
  const fields = [
    'event',
    event,
    'trigger',
    group,
    'kind',
    failure.kind,
    'reason',
    failure.reason,
    'status',
    failure.status === undefined ? '' : String(failure.status),
    'attempts',
    String(failure.attempts),
    'entry',
    entry,
    'subscriber',
    subscriber,
    'time',
    new Date().toISOString(),
  ];
  return (await runScript(
    redis,
    DEAD_LETTER,
    [keys.stream, keys.deadLetters],
    [group, entry, ...fields],
  )) as string | null;
}

/**
 * POSTs a dead letter to the trigger's `deadLetterSink`, with the error attributes Knative adds
 * (`knativeerrordest`, `knativeerrorcode`, `knativeerrordata`).
 */
export function sendToSink(
  event: EventJson,
  failure: Failure,
  options: { dispatcher: Dispatcher; sink: string; subscriber: string; timeoutMs: number },
): Promise<Attempt> {
  const annotated: EventJson = {
    ...event,
    knativeerrordest: options.subscriber,
    ...(failure.status !== undefined ? { knativeerrorcode: String(failure.status) } : {}),
    ...(failure.body ? { knativeerrordata: Buffer.from(failure.body).toString('base64') } : {}),
  };
  return deliver(annotated, {
    dispatcher: options.dispatcher,
    url: options.sink,
    timeoutMs: options.timeoutMs,
    maxReplyBytes: 65_536, // a reply from the sink is read and ignored
  });
}

/** Reads one dead-letter entry. */
export function toDeadLetter(id: string, fields: readonly string[]): DeadLetter {
  const map = fieldMap(fields);
  let event: EventJson | null;
  try {
    event = JSON.parse(map.event ?? 'null') as EventJson | null;
  } catch {
    event = null;
  }
  return {
    id,
    trigger: map.trigger ?? '',
    kind: map.kind ?? '',
    reason: map.reason ?? '',
    status: map.status ? Number(map.status) : null,
    attempts: Number(map.attempts ?? 0),
    entry: map.entry ?? '',
    subscriber: map.subscriber ?? '',
    time: map.time ?? '',
    event,
  };
}

/** One dead letter, or undefined. */
export async function getDeadLetter(
  redis: Redis,
  keys: BrokerKeys,
  id: string,
): Promise<DeadLetter | undefined> {
  const [found] = (await redis.call('XRANGE', keys.deadLetters, id, id)) as [string, string[]][];
  return found ? toDeadLetter(found[0], found[1]) : undefined;
}

/**
 * Dead letters in id order, optionally of one trigger, at most `limit`, after the `after`
 * cursor. `next` is the cursor of the following page, absent on the last one.
 */
export async function listDeadLetters(
  redis: Redis,
  keys: BrokerKeys,
  { trigger, after, limit }: { trigger?: string; after?: string; limit: number },
): Promise<{ items: DeadLetter[]; next?: string }> {
  const items: DeadLetter[] = [];
  let start = after ? `(${after}` : '-';
  const page = Math.max(limit, 200);
  for (;;) {
    const batch = (await redis.call('XRANGE', keys.deadLetters, start, '+', 'COUNT', page)) as [
      string,
      string[],
    ][];
    for (const [id, fields] of batch) {
      const letter = toDeadLetter(id, fields);
      if (trigger !== undefined && letter.trigger !== trigger) continue;
      items.push(letter);
      if (items.length === limit) {
        const more = (await redis.call(
          'XRANGE',
          keys.deadLetters,
          `(${id}`,
          '+',
          'COUNT',
          1,
        )) as [];
        return more.length ? { items, next: id } : { items };
      }
    }
    if (batch.length < page) return { items };
    start = `(${batch[batch.length - 1]![0]}`;
  }
}

/** Moves one dead letter back into the stream for its trigger; the new entry id or null. */
export async function redriveOne(
  redis: Redis,
  keys: BrokerKeys,
  id: string,
): Promise<string | null> {
  return (await runScript(redis, REDRIVE, [keys.deadLetters, keys.stream], [id])) as string | null;
}
