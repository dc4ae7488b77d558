import type { Redis, RedisOptions } from 'ioredis';

export interface RedisHandle {
  /** The client, created (and ioredis loaded) on first use and reused afterwards. */
  client(): Promise<Redis>;
  /** Closes the client if it was opened. */
  quit(): Promise<void>;
}

/**
 * A lazily created ioredis client. ioredis reconnects by itself; commands issued while it is
 * disconnected wait in its offline queue up to `maxRetriesPerRequest` reconnection attempts, then
 * fail so that the caller (and the broker's redelivery) can deal with it.
 */
export function createRedis(url: string, options: RedisOptions = {}): RedisHandle {
  let client: Promise<Redis> | undefined;
  return {
    client() {
      client ??= import('ioredis').then(
        ({ Redis }) =>
          new Redis(url, {
            maxRetriesPerRequest: 5,
            connectTimeout: 5000,
            retryStrategy: (times) => Math.min(50 * 2 ** times, 2000),
            ...options,
          }),
      );
      return client;
    },
    async quit() {
      const pending = client;
      client = undefined;
      if (pending) {
        const redis = await pending;
        await redis.quit().catch(() => redis.disconnect());
      }
    },
  };
}
