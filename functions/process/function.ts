import type { HttpFunction } from '@google-cloud/functions-framework';
import { processConfig } from '../../shared/config/process';
import { type Env } from '../../shared/config/parse';
import { createRouter } from '../../shared/http/index';
import { createFanIn } from '../../shared/fan-in/index';
import { clientAddress, createRateLimit } from '../../shared/rate-limit/index';
import { databaseFor, functionContext, redisFor, sinkEmitter } from '../../shared/runtime/context';
import { processRoutes } from './routes';

/**
 * The `process` function. Configuration is parsed here, at registration, so a bad environment stops
 * the container at start with one readable error; MongoDB and Redis connect on first use.
 */
export function processFunction(env?: Env): HttpFunction {
  const { config, log, metrics } = functionContext('process', processConfig, env);
  // Progress and the rate limit only: a Redis that is away must not hold a request up (the
  // limiter then counts in memory).
  const redis = redisFor(config.REDIS_URL, metrics, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  });
  const limit = createRateLimit({
    redis,
    perMinute: config.MULTIVAC_RATE_LIMIT_PER_MINUTE,
    keyPrefix: `${config.MULTIVAC_CACHE_PREFIX}:ratelimit:process`,
    what: 'learning jobs',
    log,
  });
  const routes = processRoutes({
    db: databaseFor(config, 'process', metrics),
    emit: sinkEmitter(config, metrics),
    fanIn: createFanIn({ redis, prefix: config.MULTIVAC_CACHE_PREFIX }),
    rateLimit: (ctx) => limit(clientAddress(ctx.req, config.MULTIVAC_TRUSTED_PROXY_HOPS)),
  });
  return createRouter(routes, { log, metrics, projectId: config.GOOGLE_CLOUD_PROJECT });
}
