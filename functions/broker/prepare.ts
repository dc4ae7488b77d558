import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/log/index';
import type { StreamGroups } from './groups';
import type { BrokerKeys } from './keys';
import { snapshot } from './stats';
import { groupsOf } from './streams';

export interface PrepareOptions {
  redis: Redis;
  keys: BrokerKeys;
  /** The names in the trigger table. */
  triggers: readonly string[];
  groups: StreamGroups;
  log: Logger;
}

/** Eviction policies that may drop keys without a TTL — the streams. */
const EVICTING = /^allkeys-/;

/**
 * Start-up in Redis: waits until it answers, warns when it may evict the streams, makes every
 * trigger's stream and group, records the table's triggers in the registry, and names what still
 * holds events that no trigger of the table reads: streams of retired triggers, and the stream of
 * the single-stream layout this one replaced. Resolves with the retired triggers' names.
 */
export async function prepareRedis(options: PrepareOptions): Promise<string[]> {
  const { redis, groups, log } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      await redis.ping();
      break;
    } catch (err) {
      log.warn({ err, attempt }, 'Redis does not answer yet; waiting');
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 5000)));
    }
  }
  try {
    const [, policy] = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    if (policy && EVICTING.test(policy)) {
      log.warn(
        { policy },
        'Redis may evict keys without a TTL under memory pressure, and the event streams have none: use volatile-lru or noeviction',
      );
    }
  } catch (err) {
    log.debug({ err }, 'cannot read maxmemory-policy (CONFIG disabled?)');
  }
  await groups.ensure();
  const retired = await retiredTriggers(options);
  await warnAboutLegacy(options);
  return retired;
}

/**
 * Adds the table's triggers to the registry and returns the other names in it whose keys still
 * exist, each logged with what it holds (a name whose keys are all gone is dropped).
 */
async function retiredTriggers({ redis, keys, triggers, log }: PrepareOptions): Promise<string[]> {
  await redis.sadd(keys.registry, ...triggers);
  const table = new Set(triggers);
  const others = ((await redis.smembers(keys.registry)) as string[]).filter((t) => !table.has(t));
  const retired: string[] = [];
  for (const state of await snapshot(redis, keys, others)) {
    if (state.length === 0 && state.deadLetters === 0 && state.groups.length === 0) {
      await redis.srem(keys.registry, state.name);
      continue;
    }
    retired.push(state.name);
    const group = state.groups.find((g) => g.name === state.name);
    log.warn(
      {
        trigger: state.name,
        stream: keys.of(state.name).stream,
        length: state.length,
        pending: group?.pending,
        lag: group?.lag,
        deadLetters: state.deadLetters,
      },
      'a trigger no longer in the table still has a stream: it is kept (nothing reads it) until removed with DEL',
    );
  }
  return retired;
}

/** The one stream of the earlier layout (MULTIVAC_STREAM itself): what it still holds. */
async function warnAboutLegacy({ redis, keys, log }: PrepareOptions): Promise<void> {
  const { stream, deadLetters } = keys.legacy;
  const [type, letters] = await Promise.all([redis.type(stream), redis.xlen(deadLetters)]);
  if (type !== 'stream' && letters === 0) return;
  const groups = type === 'stream' ? await groupsOf(redis, stream) : [];
  log.warn(
    {
      stream,
      length: type === 'stream' ? await redis.xlen(stream) : 0,
      unfinished: groups.map((g) => ({ group: g.name, pending: g.pending, lag: g.lag })),
      deadLetters: letters,
    },
    'the stream of the single-stream layout still exists; this broker does not read it (docs/broker.md: Upgrading from one stream)',
  );
}
