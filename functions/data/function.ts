import type { HttpFunction } from '@google-cloud/functions-framework';
import { dataConfig } from '../../shared/config/data';
import { type Env } from '../../shared/config/parse';
import { createAddressPolicy, normalizeUrl } from '../../shared/fetch/index';
import { createRouter } from '../../shared/http/index';
import { clientAddress, createRateLimit } from '../../shared/rate-limit/index';
import { databaseFor, redisFor, functionContext, sinkEmitter } from '../../shared/runtime/context';
import { dataRoutes } from './routes';

/**
 * The `data` function. Configuration is parsed at registration; MongoDB and Redis connect on
 * first use. An IP-literal URL in a private range is refused with a 400 here; `acquire` checks
 * every resolved address again when it connects, which is the check that counts.
 */
export function dataFunction(env?: Env): HttpFunction {
  const { config, log, metrics } = functionContext('data', dataConfig, env);
  const addressPolicy = createAddressPolicy(config.MULTIVAC_FETCH_ALLOWED_CIDRS);
  const limit = createRateLimit({
    // Writes wait briefly for Redis rather than fail; the limiter falls back to memory if it is away.
    redis: redisFor(config.REDIS_URL, metrics, { maxRetriesPerRequest: 1 }),
    perMinute: config.MULTIVAC_RATE_LIMIT_PER_MINUTE,
    keyPrefix: `${config.MULTIVAC_CACHE_PREFIX}:ratelimit:data`,
    log,
  });
  const routes = dataRoutes({
    db: databaseFor(config, 'data', metrics),
    emit: sinkEmitter(config, metrics),
    normalizeUrl: (input) => normalizeUrl(input, { addressPolicy }),
    rateLimit: (ctx) => limit(clientAddress(ctx.req, config.MULTIVAC_TRUSTED_PROXY_HOPS)),
  });
  return createRouter(routes, { log, metrics, projectId: config.GOOGLE_CLOUD_PROJECT });
}
