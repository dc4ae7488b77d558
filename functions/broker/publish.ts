import type { Redis } from 'ioredis';
import type { EventJson } from './codec';
import type { BrokerKeys } from './keys';
import { PUBLISH } from './scripts';
import { runScript } from '../../shared/redis/index';

/** An event whose serialized form is larger than the per-event limit. */
export class EventTooLargeError extends Error {
  override name = 'EventTooLargeError';
  constructor(
    readonly event: EventJson,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`event ${event.id} from ${event.source} is ${bytes} bytes; the limit is ${limit}`);
  }
}

/** An event ready to append: validated, serialized, within the size limit. */
export interface Prepared {
  readonly event: EventJson;
  readonly json: string;
}

/** Serializes an event as it will be stored, enforcing the per-event size limit. */
export function prepare(event: EventJson, maxBytes: number): Prepared {
  const json = JSON.stringify(event);
  const bytes = Buffer.byteLength(json);
  if (bytes > maxBytes) throw new EventTooLargeError(event, bytes, maxBytes);
  return { event, json };
}

export interface PublishResult {
  /** Per event: its entry id, or '' when it was a duplicate and not appended again. */
  readonly ids: readonly string[];
  readonly appended: number;
  readonly duplicates: number;
}

export type Publish = (events: readonly Prepared[]) => Promise<PublishResult>;

/**
 * Appends events to the stream in one atomic script: every new one is appended with its
 * duplicate marker (`source` + `id`, kept for `dedupTtlSeconds`), duplicates are skipped, and
 * either the whole request is in Redis or none of it is.
 */
export function createPublisher(
  redis: () => Promise<Redis>,
  keys: BrokerKeys,
  dedupTtlSeconds: number,
): Publish {
  return async (events) => {
    if (events.length === 0) return { ids: [], appended: 0, duplicates: 0 };
    const reply = (await runScript(
      await redis(),
      PUBLISH,
      [keys.stream, ...events.map(({ event }) => keys.dedup(event.source, event.id))],
      [dedupTtlSeconds, ...events.map(({ json }) => json)],
    )) as string[];
    const appended = reply.filter((id) => id !== '').length;
    return { ids: reply, appended, duplicates: reply.length - appended };
  };
}
