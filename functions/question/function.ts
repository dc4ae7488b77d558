import type { HttpFunction } from '@google-cloud/functions-framework';
import { createCache } from '../../shared/cache/index';
import { questionConfig } from '../../shared/config/question';
import { type Env } from '../../shared/config/parse';
import { createRouter } from '../../shared/http/index';
import { databaseFor, redisFor, functionContext } from '../../shared/runtime/index';
import { answerSource } from './answer-source';
import { questionRoutes } from './routes';

/**
 * The `question` function. Configuration is parsed at registration (a bad environment stops the
 * container at start); Redis and MongoDB connect on first use.
 */
export function questionFunction(env?: Env): HttpFunction {
  const { config, log, metrics } = functionContext('question', questionConfig, env);
  const confidence = metrics.gauge(
    'multivac_answer_confidence',
    'Confidence of the answer being served.',
  );
  const currentAnswer = answerSource({
    // A cache with a fallback must fail fast while Redis is away, not queue requests behind it.
    cache: createCache(
      redisFor(config.REDIS_URL, metrics, { enableOfflineQueue: false, maxRetriesPerRequest: 0 }),
      config.MULTIVAC_CACHE_PREFIX,
    ),
    db: databaseFor(config, 'question', metrics),
    ttlSeconds: config.MULTIVAC_CACHE_TTL_SECONDS,
    log,
  });
  const routes = questionRoutes({
    currentAnswer,
    onServed: (answer) => confidence.set(answer.confidence),
  });
  return createRouter(routes, { log, metrics, projectId: config.GOOGLE_CLOUD_PROJECT });
}
