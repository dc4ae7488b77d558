import type { RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisHandle } from '../redis/index';
import { HttpError } from '../http/index';
import type { Logger } from '../log/index';

export interface RateLimitOptions {
  redis: RedisHandle;
  perMinute: number;
  keyPrefix: string;
  /** What is counted, in the 429's text ("writes", "learning jobs"). */
  what?: string;
  log: Logger;
  /** After Redis could not be reached, how long writes are counted in memory before trying again. */
  retryRedisMs?: number;
}

/**
 * Requests per client address (writes to `/multivac/data`, learning jobs started with
 * `POST /multivac`): a fixed one-minute window counted in Redis, so
 * every replica shares it. Whenever Redis cannot be used — unreachable from the first write on, or
 * failing later — each process counts in its own in-memory window instead (rate-limiter-flexible's
 * insurance limiter): the limit gets looser by the number of replicas, never open.
 */
export function createRateLimit({
  redis,
  perMinute,
  keyPrefix,
  what = 'writes',
  log,
  retryRedisMs = 5000,
}: RateLimitOptions): (key: string) => Promise<void> {
  const window = { points: perMinute, duration: 60 };
  let memory: RateLimiterMemory | undefined;
  let shared: Promise<RateLimiterAbstract> | undefined;
  let retryAt = 0;

  // One in-memory window for both uses, so a write counts once whichever limiter took it.
  const inMemory = async () => {
    const { RateLimiterMemory } = await import('rate-limiter-flexible');
    return (memory ??= new RateLimiterMemory(window));
  };
  const connect = async (): Promise<RateLimiterAbstract> => {
    const { RateLimiterRedis } = await import('rate-limiter-flexible');
    const storeClient = await redis.client();
    return new RateLimiterRedis({
      ...window,
      storeClient,
      keyPrefix,
      insuranceLimiter: await inMemory(),
    });
  };
  const limiter = async (): Promise<RateLimiterAbstract> => {
    if (Date.now() < retryAt) return inMemory();
    try {
      return await (shared ??= connect().catch((err: unknown) => {
        shared = undefined;
        throw err;
      }));
    } catch (err) {
      // Not every write should wait for a connection that failed a moment ago.
      retryAt = Date.now() + retryRedisMs;
      log.warn({ err }, 'rate limiter: Redis unavailable; counting writes in memory');
      return inMemory();
    }
  };
  const consume = async (current: RateLimiterAbstract, key: string) => {
    try {
      await current.consume(key);
    } catch (rejection) {
      if (rejection instanceof Error) throw rejection;
      const seconds = Math.max(1, Math.ceil((rejection as RateLimiterRes).msBeforeNext / 1000));
      throw new HttpError(
        429,
        `more than ${perMinute} ${what} a minute from this address; retry in ${seconds} s`,
        { 'retry-after': String(seconds) },
      );
    }
  };

  return async (key) => {
    const current = await limiter();
    try {
      await consume(current, key);
    } catch (err) {
      if (err instanceof HttpError || current === memory) throw err;
      log.warn({ err }, 'rate limiter failed; counting this write in memory');
      await consume(await inMemory(), key);
    }
  };
}
