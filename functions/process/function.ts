import type { HttpFunction } from '@google-cloud/functions-framework';
import { processConfig } from '../../shared/config/process';
import { type Env } from '../../shared/config/parse';
import { createRouter } from '../../shared/http/index';
import { createFanIn } from '../../shared/fan-in/index';
import { databaseFor, functionContext, redisFor, sinkEmitter } from '../../shared/runtime/index';
import { processRoutes } from './routes';

/**
 * The `process` function. Configuration is parsed here, at registration, so a bad environment stops
 * the container at start with one readable error; MongoDB and Redis connect on first use.
 */
export function processFunction(env?: Env): HttpFunction {
  const { config, log, metrics } = functionContext('process', processConfig, env);
  const routes = processRoutes({
    db: databaseFor(config, 'process', metrics),
    emit: sinkEmitter(config, metrics),
    // Progress only: a Redis that is away must not hold a request up.
    fanIn: createFanIn({
      redis: redisFor(config.REDIS_URL, metrics, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
      }),
      prefix: config.MULTIVAC_CACHE_PREFIX,
    }),
  });
  return createRouter(routes, { log, metrics, projectId: config.GOOGLE_CLOUD_PROJECT });
}
