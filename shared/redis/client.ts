import type { Redis, RedisOptions } from 'ioredis';

export interface RedisHandle {
  /** The client, connected (and ioredis loaded) on first use and reused afterwards. */
  client(): Promise<Redis>;
  /** Closes the client if it was opened. */
  quit(): Promise<void>;
}

export interface RedisClientOptions extends RedisOptions {
  /** Told the name of every command this client sends (a round trip each; MULTI counts too). */
  onCommand?: (name: string) => void;
  /** Connection errors (they also reach callers as failed commands). */
  onError?: (err: Error) => void;
}

/**
 * A lazily created, connected ioredis client. A failed first connection is forgotten so the next
 * call tries again. Afterwards ioredis reconnects by itself; while it is disconnected, commands
 * wait in its offline queue for up to `maxRetriesPerRequest` reconnection attempts — or fail at once
 * with `enableOfflineQueue: false`, which a cache wants (it has a fallback) and a queue does not.
 */
export function createRedis(
  url: string,
  { onCommand, onError = () => {}, ...options }: RedisClientOptions = {},
): RedisHandle {
  let client: Promise<Redis> | undefined;
  const open = async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(url, {
      maxRetriesPerRequest: 5,
      connectTimeout: 5000,
      retryStrategy: (times) => Math.min(50 * 2 ** times, 2000),
      ...options,
      lazyConnect: true,
    });
    // Without a listener ioredis would print each reconnection attempt.
    redis.on('error', onError);
    if (onCommand) {
      // ioredis has no command hook; every command, pipelined or not, passes sendCommand.
      const send = redis.sendCommand.bind(redis);
      redis.sendCommand = (command, stream) => {
        onCommand(command.name);
        return send(command, stream);
      };
    }
    try {
      await redis.connect();
    } catch (err) {
      redis.disconnect();
      throw err;
    }
    return redis;
  };
  return {
    client() {
      client ??= open().catch((err: unknown) => {
        client = undefined;
        throw err;
      });
      return client;
    },
    async quit() {
      const pending = client;
      client = undefined;
      const redis = await pending?.catch(() => undefined);
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
