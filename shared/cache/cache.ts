import type { z } from 'zod';
import type { RedisHandle } from '../redis/index';

export interface Cache {
  /** The namespaced key for `parts` (`<namespace>:<part>:<part>`). */
  key(...parts: string[]): string;
  /** The cached value, or null when absent or no longer valid for `schema`. */
  get<S extends z.ZodType>(key: string, schema: S): Promise<z.output<S> | null>;
  /** Stores `value` as JSON with a TTL: cache keys always expire, so `volatile-lru` may evict them. */
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}

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
      const parsed = schema.safeParse(value);
      return parsed.success ? parsed.data : null;
    },
    async set(key, value, ttlSeconds) {
      await (
        await redis.client()
      ).set(key, JSON.stringify(value), 'EX', Math.max(1, Math.round(ttlSeconds)));
    },
    async delete(key) {
      await (await redis.client()).del(key);
    },
  };
}
