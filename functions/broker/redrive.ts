import type { Redis } from 'ioredis';
import type { EventJson } from './format';
import { fieldMap } from './entry';
import type { BrokerKeys } from './keys';
import { StreamLostError } from './publish';
import { REDRIVE } from './scripts';
import { runScript } from '../../shared/redis/index';

/*
 * Dead letters as the admin API shows them: read from every trigger's dead-letter stream, merged,
 * and moved back (re-driven) into their trigger's stream.
 */

/** A dead letter as listed by the admin API. */
export interface DeadLetter {
  /** `<trigger>:<its id in the trigger's dead-letter stream>` (what re-drive takes). */
  readonly id: string;
  readonly trigger: string;
  readonly kind: string;
  readonly reason: string;
  readonly status: number | null;
  readonly attempts: number;
  /** The id the entry had in the trigger's stream. */
  readonly entry: string;
  readonly subscriber: string;
  /** When it was dead-lettered (ISO 8601). */
  readonly time: string;
  /** The event as published; null when the entry held none that could be read. */
  readonly event: EventJson | null;
}

/** Where a dead letter is: its trigger's dead-letter stream, and its id there. */
export interface DeadLetterRef {
  readonly trigger: string;
  readonly id: string;
}

/** A dead letter's API id, `<trigger>:<stream id>`: stream ids repeat across triggers. */
export const DEAD_LETTER_ID = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?):(\d+-\d+)$/;

export const deadLetterId = (ref: DeadLetterRef) => `${ref.trigger}:${ref.id}`;

/** The parts of a dead letter's API id (checked against DEAD_LETTER_ID by the caller). */
export function refOf(id: string): DeadLetterRef {
  const colon = id.lastIndexOf(':');
  return { trigger: id.slice(0, colon), id: id.slice(colon + 1) };
}

/** Reads one dead-letter entry of `trigger`. */
export function toDeadLetter(trigger: string, id: string, fields: readonly string[]): DeadLetter {
  const map = fieldMap(fields);
  let event: EventJson | null;
  try {
    event = JSON.parse(map.event ?? 'null') as EventJson | null;
  } catch {
    event = null;
  }
  return {
    id: deadLetterId({ trigger, id }),
    trigger,
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
  ref: DeadLetterRef,
): Promise<DeadLetter | undefined> {
  const stream = keys.of(ref.trigger).deadLetters;
  const [found] = (await redis.call('XRANGE', stream, ref.id, ref.id)) as [string, string[]][];
  return found ? toDeadLetter(ref.trigger, found[0], found[1]) : undefined;
}

type Row = [id: string, fields: string[]];

/**
 * Dead letters of the given triggers' streams merged in id order (then trigger name), at most
 * `limit`, after the `after` cursor (a dead letter's API id). `next` is the cursor of the
 * following page, absent on the last one. One XRANGE per trigger, sent together.
 */
export async function listDeadLetters(
  redis: Redis,
  keys: BrokerKeys,
  triggers: readonly string[],
  { after, limit }: { after?: DeadLetterRef; limit: number },
): Promise<{ items: DeadLetter[]; next?: string }> {
  const pages = await Promise.all(
    triggers.map(async (trigger) => {
      // Past the cursor: ids after its id, and its id itself in the streams of later triggers.
      const start = !after ? '-' : trigger > after.trigger ? after.id : `(${after.id}`;
      const rows = (await redis.call(
        'XRANGE',
        keys.of(trigger).deadLetters,
        start,
        '+',
        'COUNT',
        limit + 1,
      )) as Row[];
      return rows.map(([id, fields]) => ({ trigger, id, fields }));
    }),
  );
  const merged = pages
    .flat()
    .sort((a, b) => compareIds(a.id, b.id) || (a.trigger < b.trigger ? -1 : 1));
  const items = merged.slice(0, limit).map((r) => toDeadLetter(r.trigger, r.id, r.fields));
  return merged.length > limit ? { items, next: items.at(-1)!.id } : { items };
}

/** Stream ids in Redis's order (milliseconds, then sequence). */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
}

/**
 * Moves one dead letter back into its trigger's stream; the new entry id, or null when the dead
 * letter is gone. Throws StreamLostError when the stream is missing (the dead letter stays).
 */
export async function redriveOne(
  redis: Redis,
  keys: BrokerKeys,
  ref: DeadLetterRef,
): Promise<string | null> {
  const { deadLetters, stream } = keys.of(ref.trigger);
  try {
    return (await runScript(redis, REDRIVE, [deadLetters, stream], [ref.id])) as string | null;
  } catch (err) {
    if (String((err as Error).message).startsWith('NOSTREAM ')) throw new StreamLostError(stream);
    throw err;
  }
}
