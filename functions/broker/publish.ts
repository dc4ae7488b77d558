import type { Redis } from 'ioredis';
import type { EventJson } from './codec';
import { dedupSuffix, type TriggerKeys } from './keys';
import type { BrokerMetrics } from './metrics';
import type { Route } from './route';
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

/**
 * A trigger's stream was missing when events were to be appended to it: Redis lost its data (or
 * someone deleted the stream). Nothing of the request was written.
 */
export class StreamLostError extends Error {
  override name = 'StreamLostError';
  constructor(readonly stream: string) {
    super(`the stream ${stream} does not exist (Redis lost it); nothing was appended`);
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
  // Cheap first: UTF-8 takes at most 3 bytes per UTF-16 unit.
  const bytes = json.length * 3 <= maxBytes ? json.length : Buffer.byteLength(json);
  if (bytes > maxBytes) throw new EventTooLargeError(event, bytes, maxBytes);
  return { event, json };
}

export interface PublishResult {
  /** Entries appended per trigger, in the order of the trigger table. */
  readonly appended: readonly number[];
  /** Events that were not appended anywhere because every stream they go to had them already. */
  readonly duplicates: number;
  /** Events no trigger takes: accepted and not stored. */
  readonly unrouted: number;
}

export type Publish = (events: readonly Prepared[]) => Promise<PublishResult>;

export interface PublisherOptions {
  redis: () => Promise<Redis>;
  /** The keys of each trigger, in the order of the trigger table. */
  triggers: readonly TriggerKeys[];
  route: Route;
  dedupTtlSeconds: number;
  /** Told when a target stream was missing (so that the groups are made again). */
  onLost: (stream: string) => void;
  /** Counts what was appended (per trigger), duplicates and unrouted events. */
  metrics: BrokerMetrics;
}

/**
 * Appends each event to the streams of the triggers that take it, in ONE script (one round trip,
 * atomic): every new (event, trigger) pair is appended with its duplicate marker (`source` + `id`
 * per trigger stream, kept for `dedupTtlSeconds`), pairs seen before are skipped, and either the
 * whole request is in Redis or none of it is. Throws StreamLostError, having written nothing, when
 * a target stream does not exist.
 */
export function createPublisher(options: PublisherOptions): Publish {
  const { triggers, route, dedupTtlSeconds, onLost, metrics } = options;
  const published = triggers.map((t) => metrics.published.labels({ trigger: t.trigger }));
  return async (events) => {
    const streamOf = new Map<number, number>(); // trigger index → its 1-based KEYS position
    const streams: string[] = [];
    const markers: string[] = [];
    const pairArgs: number[] = [];
    const pairTrigger: number[] = [];
    const pairEvent: number[] = [];
    const jsons: string[] = [];
    let unrouted = 0;
    for (const { event, json } of events) {
      const targets = route(event);
      if (targets.length === 0) {
        unrouted += 1;
        continue;
      }
      jsons.push(json);
      const suffix = dedupSuffix(event.source, event.id);
      for (const t of targets) {
        let position = streamOf.get(t);
        if (position === undefined) {
          streams.push(triggers[t]!.stream);
          streamOf.set(t, (position = streams.length));
        }
        markers.push(triggers[t]!.dedup(suffix));
        pairArgs.push(position, jsons.length);
        pairTrigger.push(t);
        pairEvent.push(jsons.length - 1);
      }
    }
    const appended = triggers.map(() => 0);
    if (unrouted) metrics.unrouted.inc(unrouted);
    if (jsons.length === 0) return { appended, duplicates: 0, unrouted };
    let reply: string[];
    try {
      reply = (await runScript(
        await options.redis(),
        PUBLISH,
        [...streams, ...markers],
        [dedupTtlSeconds, streams.length, markers.length, ...pairArgs, ...jsons],
      )) as string[];
    } catch (err) {
      const message = String((err as Error).message);
      if (!message.startsWith('NOSTREAM ')) throw err;
      const stream = message.slice('NOSTREAM '.length);
      onLost(stream);
      throw new StreamLostError(stream);
    }
    const stored = new Uint8Array(jsons.length);
    for (let p = 0; p < reply.length; p++) {
      if (reply[p] === '') continue;
      appended[pairTrigger[p]!]! += 1;
      stored[pairEvent[p]!] = 1;
    }
    appended.forEach((n, t) => n && published[t]!.inc(n));
    const duplicates = stored.length - stored.reduce((a, b) => a + b, 0);
    if (duplicates) metrics.duplicates.inc(duplicates);
    return { appended, duplicates, unrouted };
  };
}
