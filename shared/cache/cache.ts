import * as z from '../zod/index';
import type { RedisHandle } from '../redis/index';

export interface Cache {
  /** The namespaced key for `parts` (`<namespace>:<part>:<part>`). */
  key(...parts: string[]): string;
  /** The cached value, or null when absent or no longer valid for `schema`. */
  get<S extends z.core.$ZodType>(key: string, schema: S): Promise<z.output<S> | null>;
  /**
   * Stores `value` as JSON with a TTL (cache keys always expire, so `volatile-lru` may evict
   * them); with `announce`, publishes that message on the key's channel in the same round trip.
   */
  set(key: string, value: unknown, ttlSeconds: number, announce?: string): Promise<void>;
  /** Stores `value` only where the key holds nothing (a refill never overwrites a newer write). */
  setIfAbsent(key: string, value: unknown, ttlSeconds: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** The channel `set(…, announce)` publishes on for `key`. */
  channel(key: string): string;
}

const channelOf = (key: string) => `${key}:announced`;

/** JSON values in Redis under one namespace; every key has a TTL (docs/broker.md#guarantees). */
export function createCache(redis: RedisHandle, namespace = 'multivac'): Cache {
  return {
    key: (...parts) => [namespace, ...parts].join(':'),
    async get(key, schema) {
      const raw = await (await redis.client()).get(key);
      if (raw === null) return null;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        return null;
      }
      const parsed = z.safeParse(schema, value);
      return parsed.success ? parsed.data : null;
    },
    async set(key, value, ttlSeconds, announce) {
      const client = await redis.client();
      const ttl = Math.max(1, Math.round(ttlSeconds));
      if (announce === undefined) {
        await client.set(key, JSON.stringify(value), 'EX', ttl);
        return;
      }
      const replies = await client
        .multi()
        .set(key, JSON.stringify(value), 'EX', ttl)
        .publish(channelOf(key), announce)
        .exec();
      for (const [err] of replies ?? []) if (err) throw err;
    },
    async setIfAbsent(key, value, ttlSeconds) {
      const reply = await (
        await redis.client()
      ).set(key, JSON.stringify(value), 'EX', Math.max(1, Math.round(ttlSeconds)), 'NX');
      return reply === 'OK';
    },
    channel: (key) => channelOf(key),
    async delete(key) {
      await (await redis.client()).del(key);
    },
  };
}
