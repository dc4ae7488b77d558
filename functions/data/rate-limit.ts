import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisHandle } from '../../shared/redis/index';
import { HttpError } from '../../shared/http/index';
import type { Logger } from '../../shared/log/index';

export interface RateLimitOptions {
  redis: RedisHandle;
  perMinute: number;
  keyPrefix: string;
  log: Logger;
}

/**
 * Writes to `/multivac/data` per client address: a fixed one-minute window counted in Redis, so
 * every replica shares it. If Redis fails, each process falls back to its own in-memory window
 * (rate-limiter-flexible's insurance limiter) rather than refusing every write.
 */
export function createRateLimit({
  redis,
  perMinute,
  keyPrefix,
  log,
}: RateLimitOptions): (key: string) => Promise<void> {
  let limiter: Promise<RateLimiterAbstract> | undefined;
  const build = async () => {
    const { RateLimiterRedis, RateLimiterMemory } = await import('rate-limiter-flexible');
    return new RateLimiterRedis({
      storeClient: await redis.client(),
      keyPrefix,
      points: perMinute,
      duration: 60,
      insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: 60 }),
    });
  };
  return async (key) => {
    let current: RateLimiterAbstract;
    try {
      current = await (limiter ??= build().catch((err: unknown) => {
        limiter = undefined;
        throw err;
      }));
    } catch (err) {
      log.warn({ err }, 'rate limiter unavailable; write allowed');
      return;
    }
    try {
      await current.consume(key);
    } catch (rejection) {
      if (rejection instanceof Error) {
        log.warn({ err: rejection }, 'rate limiter failed; write allowed');
        return;
      }
      const seconds = Math.max(1, Math.ceil((rejection as RateLimiterRes).msBeforeNext / 1000));
      throw new HttpError(
        429,
        `more than ${perMinute} writes a minute from this address; retry in ${seconds} s`,
        {
          'retry-after': String(seconds),
        },
      );
    }
  };
}
