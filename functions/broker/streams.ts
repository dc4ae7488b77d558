import type { Redis } from 'ioredis';

/**
 * The Redis Streams commands the broker uses, with their replies typed. Every command goes
 * through `call` so that the reply shapes are read here, in one place.
 */

/** An entry as Redis returns it; `fields` is null for an entry deleted since it was read. */
export type RawEntry = readonly [id: string, fields: string[] | null];

export interface PendingRow {
  readonly id: string;
  readonly consumer: string;
  readonly idleMs: number;
  /** How many times the entry was delivered (read or claimed). */
  readonly deliveries: number;
}

export interface GroupInfo {
  readonly name: string;
  readonly consumers: number;
  readonly pending: number;
  readonly lastDeliveredId: string;
  /** Entries not yet read by the group; null when Redis cannot tell. */
  readonly lag: number | null;
}

type Entries = [string, string[] | null][];
/** RESP2: `[[stream, entries]]`; RESP3 (a map, which ioredis flattens): `[stream, entries]`. */
type StreamReply = [stream: string, entries: Entries][] | [stream: string, entries: Entries] | null;

/**
 * Creates the group (and the stream) unless it exists; true when it made it. A group starts at
 * the stream's first entry: a stream is only ever read by its trigger's group, so whatever it
 * holds when the group is made (again) is for that group.
 */
export async function ensureGroup(redis: Redis, stream: string, group: string): Promise<boolean> {
  try {
    await redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM');
    return true;
  } catch (err) {
    if (String((err as Error).message).startsWith('BUSYGROUP')) return false;
    throw err;
  }
}

/** `XREADGROUP … >`: new entries for this consumer, waiting up to `blockMs` for some. */
export async function readGroup(
  redis: Redis,
  stream: string,
  group: string,
  consumer: string,
  count: number,
  blockMs: number,
): Promise<RawEntry[]> {
  const reply = (await redis.call(
    'XREADGROUP',
    'GROUP',
    group,
    consumer,
    'COUNT',
    count,
    'BLOCK',
    blockMs,
    'STREAMS',
    stream,
    '>',
  )) as StreamReply;
  if (!reply || reply.length === 0) return [];
  return typeof reply[0] === 'string'
    ? (reply[1] as Entries)
    : (reply as [string, Entries][])[0]![1];
}

/** The extended `XPENDING` form: entries idle at least `minIdleMs`, from `start`, in id order. */
export async function pending(
  redis: Redis,
  stream: string,
  group: string,
  options: { minIdleMs: number; start?: string; count: number; consumer?: string },
): Promise<PendingRow[]> {
  const args: (string | number)[] = [
    stream,
    group,
    'IDLE',
    options.minIdleMs,
    options.start ?? '-',
    '+',
    options.count,
  ];
  if (options.consumer !== undefined) args.push(options.consumer);
  const reply = (await redis.call('XPENDING', ...args)) as [string, string, number, number][];
  return reply.map(([id, consumer, idleMs, deliveries]) => ({ id, consumer, idleMs, deliveries }));
}

/** How often one entry was delivered, or undefined when it is not pending. */
export async function deliveriesOf(
  redis: Redis,
  stream: string,
  group: string,
  id: string,
): Promise<number | undefined> {
  const [row] = await pending(redis, stream, group, { minIdleMs: 0, start: id, count: 1 });
  return row?.id === id ? row.deliveries : undefined;
}

/**
 * `XCLAIM`: takes entries idle at least `minIdleMs` for `consumer`, counting a delivery; with
 * `justId` only resets their idle time (the retry clock) without counting one.
 */
export async function claim(
  redis: Redis,
  stream: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  ids: readonly string[],
  { justId = false } = {},
): Promise<RawEntry[]> {
  const reply = (await redis.call(
    'XCLAIM',
    stream,
    group,
    consumer,
    minIdleMs,
    ...ids,
    ...(justId ? ['JUSTID'] : []),
  )) as (string | [string, string[] | null] | null)[];
  const entries: RawEntry[] = [];
  for (const item of reply) {
    if (item === null) continue;
    entries.push(typeof item === 'string' ? [item, null] : [item[0], item[1]]);
  }
  return entries;
}

/** `XAUTOCLAIM`: takes over entries idle longer than `minIdleMs`, counting a delivery. */
export async function autoClaim(
  redis: Redis,
  stream: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  cursor: string,
  count: number,
): Promise<{ cursor: string; entries: RawEntry[] }> {
  const reply = (await redis.call(
    'XAUTOCLAIM',
    stream,
    group,
    consumer,
    minIdleMs,
    cursor,
    'COUNT',
    count,
  )) as [string, [string, string[] | null][], string[]?];
  return { cursor: reply[0], entries: reply[1].filter(([, fields]) => fields !== null) };
}

/** `XACK`; how many of `ids` were pending. */
export async function ack(
  redis: Redis,
  stream: string,
  group: string,
  ids: readonly string[],
): Promise<number> {
  if (ids.length === 0) return 0;
  return (await redis.call('XACK', stream, group, ...ids)) as number;
}

/** `XINFO GROUPS`, or no groups when the stream does not exist. */
export async function groupsOf(redis: Redis, stream: string): Promise<GroupInfo[]> {
  let reply: (string | number | null)[][];
  try {
    reply = (await redis.call('XINFO', 'GROUPS', stream)) as (string | number | null)[][];
  } catch (err) {
    if (/no such key/i.test(String((err as Error).message))) return [];
    throw err;
  }
  return reply.map((flat) => {
    const info: Record<string, string | number | null> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) info[String(flat[i])] = flat[i + 1] ?? null;
    return {
      name: String(info.name),
      consumers: Number(info.consumers ?? 0),
      pending: Number(info.pending ?? 0),
      lastDeliveredId: String(info['last-delivered-id'] ?? '0-0'),
      lag: typeof info.lag === 'number' ? info.lag : null,
    };
  });
}
