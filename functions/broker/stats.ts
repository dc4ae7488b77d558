import type { Redis } from 'ioredis';
import type { BrokerKeys } from './keys';
import { groupsOf, type GroupInfo } from './streams';
import type { Trigger } from './triggers';

/** One trigger's state in Redis, for the gauges and the admin API. */
export interface TriggerSnapshot {
  readonly name: string;
  readonly length: number;
  readonly deadLetters: number;
  /** Every group on the trigger's stream (normally just the trigger's own). */
  readonly groups: readonly GroupInfo[];
}

/** The streams of `triggers`, read together (three commands each, one round trip). */
export function snapshot(
  redis: Redis,
  keys: BrokerKeys,
  triggers: readonly string[],
): Promise<TriggerSnapshot[]> {
  return Promise.all(
    triggers.map(async (name) => {
      const { stream, deadLetters } = keys.of(name);
      const [length, letters, groups] = await Promise.all([
        redis.xlen(stream),
        redis.xlen(deadLetters),
        groupsOf(redis, stream),
      ]);
      return { name, length, deadLetters: letters, groups };
    }),
  );
}

/**
 * `GET /stats` of the admin API: entries and dead letters in all, and per trigger its stream,
 * length, dead letters, pending, lag and consumers; `otherGroups` names the groups no trigger of
 * the table reads (retired triggers', and any other made on a trigger's stream).
 */
export async function brokerStats(
  redis: Redis,
  keys: BrokerKeys,
  triggers: readonly Trigger[],
  retired: readonly string[],
) {
  const known = new Set(triggers.map((t) => t.name));
  const states = await snapshot(redis, keys, [...known, ...retired]);
  const byName = new Map(states.map((s) => [s.name, s]));
  return {
    stream: keys.base,
    length: states.reduce((sum, s) => sum + s.length, 0),
    deadLetters: states.reduce((sum, s) => sum + s.deadLetters, 0),
    triggers: triggers.map((t) => {
      const state = byName.get(t.name);
      const group = state?.groups.find((g) => g.name === t.name);
      return {
        name: t.name,
        subscriber: t.subscriber,
        filter: t.filter,
        stream: keys.of(t.name).stream,
        deadLetterStream: keys.of(t.name).deadLetters,
        length: state?.length ?? 0,
        deadLetters: state?.deadLetters ?? 0,
        pending: group?.pending ?? null,
        lag: group?.lag ?? null,
        consumers: group?.consumers ?? 0,
        lastDeliveredId: group?.lastDeliveredId ?? null,
      };
    }),
    otherGroups: states.flatMap((s) =>
      s.groups.filter((g) => !known.has(s.name) || g.name !== s.name).map((g) => g.name),
    ),
  };
}
