import type { Redis } from 'ioredis';
import type { EventJson } from './format';
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

/** One request waiting for the script call that carries it. */
interface Waiting {
  readonly events: readonly Prepared[];
  resolve(result: PublishResult): void;
  reject(err: unknown): void;
}

/** A script call may carry more, but a batch this large is sent without waiting for the turn. */
const MAX_EVENTS_PER_CALL = 500;

/**
 * Appends each event to the streams of the triggers that take it, in ONE script (one round trip,
 * atomic): every new (event, trigger) pair is appended with its duplicate marker (`source` + `id`
 * per trigger stream, kept for `dedupTtlSeconds`), pairs seen before are skipped, and either the
 * whole request is in Redis or none of it is. Throws StreamLostError, having written nothing, when
 * a target stream does not exist.
 *
 * The requests that arrive in the same turn of the event loop share that one script call (each
 * request whole in it, so all-or-nothing still holds per request): one EVALSHA, one reply to
 * parse and one script run in Redis instead of one per request.
 */
export function createPublisher(options: PublisherOptions): Publish {
  const published = options.triggers.map((t) =>
    options.metrics.published.labels({ trigger: t.trigger }),
  );
  let queue: Waiting[] = [];
  let queued = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    queued = 0;
    if (batch.length) void appendAll(batch, options, published);
  };
  return (events) =>
    new Promise<PublishResult>((resolve, reject) => {
      queue.push({ events, resolve, reject });
      queued += events.length;
      if (queued >= MAX_EVENTS_PER_CALL) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}

/** One script call for every request of `batch`; each request learns its own part of the reply. */
async function appendAll(
  batch: readonly Waiting[],
  options: PublisherOptions,
  published: readonly { inc(n: number): void }[],
): Promise<void> {
  const { triggers, route, dedupTtlSeconds, onLost, metrics } = options;
  const streamOf = new Map<number, number>(); // trigger index → its 1-based KEYS position
  const streams: string[] = [];
  const markers: string[] = [];
  const pairArgs: number[] = [];
  const jsons: string[] = [];
  /** Per pair: its request, its trigger and its event's index among `jsons`. */
  const pairs: [request: number, trigger: number, event: number][] = [];
  const unrouted = batch.map(() => 0);
  batch.forEach(({ events }, request) => {
    for (const { event, json } of events) {
      const targets = route(event);
      if (targets.length === 0) {
        unrouted[request]! += 1;
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
        pairs.push([request, t, jsons.length - 1]);
      }
    }
  });
  const total = unrouted.reduce((a, b) => a + b, 0);
  if (total) metrics.unrouted.inc(total);
  let reply: string[] = [];
  if (jsons.length) {
    try {
      reply = (await runScript(
        await options.redis(),
        PUBLISH,
        [...streams, ...markers],
        [dedupTtlSeconds, streams.length, markers.length, ...pairArgs, ...jsons],
      )) as string[];
    } catch (err) {
      const message = String((err as Error).message);
      let failure = err;
      if (message.startsWith('NOSTREAM ')) {
        const stream = message.slice('NOSTREAM '.length);
        onLost(stream);
        failure = new StreamLostError(stream);
      }
      for (const waiting of batch) waiting.reject(failure);
      return;
    }
  }
  const appended = batch.map(() => triggers.map(() => 0));
  const stored = new Uint8Array(jsons.length);
  pairs.forEach(([request, trigger, event], p) => {
    if (reply[p] === '') return;
    appended[request]![trigger]! += 1;
    stored[event] = 1;
    published[trigger]!.inc(1);
  });
  // An event is a duplicate when none of its pairs was appended.
  let event = 0;
  batch.forEach((waiting, request) => {
    const routed = waiting.events.length - unrouted[request]!;
    let duplicates = 0;
    for (const end = event + routed; event < end; event++) if (!stored[event]) duplicates++;
    if (duplicates) metrics.duplicates.inc(duplicates);
    waiting.resolve({ appended: appended[request]!, duplicates, unrouted: unrouted[request]! });
  });
}
