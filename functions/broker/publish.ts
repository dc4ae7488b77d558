import type { Redis } from 'ioredis';
import type { StreamEntry } from './entry';
import type { EventJson } from './format';
import { dedupSuffix, type TriggerKeys } from './keys';
import type { BrokerMetrics } from './metrics';
import type { Route } from './route';
import { PUBLISH } from './scripts';
import type { RawEntry } from './streams';
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

/**
 * This instance's dispatchers, as the append script reads new entries for them (docs/broker.md,
 * Delivery): an entry appended and read in one step skips the dispatcher's own read, its reply and
 * the entry's decoding.
 */
export interface IngressClaims {
  /** This instance's consumer name in every group. */
  readonly consumer: string;
  /**
   * How many new entries trigger `t` (its index in the table) takes now, held for it until
   * `take`; 0 when it takes none (stopping, or every slot busy).
   */
  reserve(t: number): number;
  /**
   * The entries the script read for trigger `t` against `reserved` (which this releases), in
   * stream order: events this call appended as they are, others as Redis returned them. Called
   * with none when the script failed.
   */
  take(t: number, reserved: number, entries: readonly (StreamEntry | RawEntry)[]): void;
}

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
  /** The dispatchers that take new entries straight from the append, once they run. */
  claims?: () => IngressClaims | undefined;
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
  /** Per stream (KEYS position − 1): its trigger's index. */
  const triggerAt: number[] = [];
  const markers: string[] = [];
  const pairArgs: number[] = [];
  const jsons: string[] = [];
  const events: EventJson[] = [];
  /** Per pair: its request, its trigger and its event's index among `jsons`. */
  const pairs: [request: number, trigger: number, event: number][] = [];
  const unrouted = batch.map(() => 0);
  batch.forEach(({ events: requested }, request) => {
    for (const { event, json } of requested) {
      const targets = route(event);
      if (targets.length === 0) {
        unrouted[request]! += 1;
        continue;
      }
      jsons.push(json);
      events.push(event);
      const suffix = dedupSuffix(event.source, event.id);
      for (const t of targets) {
        let position = streamOf.get(t);
        if (position === undefined) {
          streams.push(triggers[t]!.stream);
          triggerAt.push(t);
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
  let ids: string[] = [];
  if (jsons.length) {
    const claims = options.claims?.();
    const reserved = triggerAt.map((t) => claims?.reserve(t) ?? 0);
    const reads: (string | number)[] = [];
    triggerAt.forEach((t, s) => reads.push(triggers[t]!.trigger, reserved[s]!));
    let reply: [string[], ...(string | RawEntry)[][]];
    try {
      reply = (await runScript(
        await options.redis(),
        PUBLISH,
        [...streams, ...markers],
        [
          dedupTtlSeconds,
          streams.length,
          markers.length,
          claims?.consumer ?? '',
          ...reads,
          ...pairArgs,
          ...jsons,
        ],
      )) as typeof reply;
    } catch (err) {
      if (claims) triggerAt.forEach((t, s) => claims.take(t, reserved[s]!, []));
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
    ids = reply[0];
    if (claims) handOver(claims, triggerAt, reserved, reply, pairs, events);
  }
  const appended = batch.map(() => triggers.map(() => 0));
  const stored = new Uint8Array(jsons.length);
  pairs.forEach(([request, trigger, event], p) => {
    if (ids[p] === '') return;
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

/**
 * Gives each trigger the entries the script read for it: an id alone is an entry this call
 * appended, whose event is at hand (parsed and validated at the ingress), so it is not decoded.
 */
function handOver(
  claims: IngressClaims,
  triggerAt: readonly number[],
  reserved: readonly number[],
  reply: readonly [string[], ...(string | RawEntry)[][]],
  pairs: readonly (readonly [request: number, trigger: number, event: number])[],
  events: readonly EventJson[],
): void {
  const ids = reply[0];
  triggerAt.forEach((t, s) => {
    const read = reply[s + 1] ?? [];
    let eventOf: Map<string, number> | undefined;
    const entries = read.map((item): StreamEntry | RawEntry => {
      if (typeof item !== 'string') return item;
      if (!eventOf) {
        eventOf = new Map();
        pairs.forEach(([, trigger, event], p) => {
          if (trigger === t && ids[p]) eventOf!.set(ids[p], event);
        });
      }
      return { id: item, event: events[eventOf.get(item)!]! };
    });
    claims.take(t, reserved[s]!, entries);
  });
}
