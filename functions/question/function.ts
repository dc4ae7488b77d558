import type { HttpFunction } from '@google-cloud/functions-framework';
import { createCache } from '../../shared/cache/index';
import { questionConfig } from '../../shared/config/question';
import { type Env } from '../../shared/config/parse';
import { createRouter } from '../../shared/http/index';
// Not the runtime's index: that brings the CloudEvent handler and, with it, the event catalogue
// and the CloudEvents SDK, which an HTTP function would evaluate at every cold start for nothing.
import { databaseFor, functionContext, redisFor } from '../../shared/runtime/context';
import { afterListening } from '../../shared/runtime/warm-up';
import { answerSource } from './answer-source';
import { questionRoutes } from './routes';

/**
 * The `question` function. Configuration is parsed at registration (a bad environment stops the
 * container at start); once it listens it reads the current answer and subscribes to its
 * announcements, so that its requests are served from memory.
 */
export function questionFunction(env?: Env): HttpFunction {
  const { config, log, metrics } = functionContext('question', questionConfig, env);
  const confidence = metrics.gauge(
    'multivac_answer_confidence',
    'Confidence of the answer being served.',
  );
  // A cache with a fallback must fail fast while Redis is away, not queue requests behind it.
  const redis = redisFor(config.REDIS_URL, metrics, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  });
  const answers = answerSource({
    cache: createCache(redis, config.MULTIVAC_CACHE_PREFIX),
    redis,
    // MongoDB only when Redis has no answer: connected then.
    db: databaseFor(config, 'question', metrics, { early: false }),
    ttlSeconds: config.MULTIVAC_CACHE_TTL_SECONDS,
    maxStaleMs: config.MULTIVAC_ANSWER_MAX_STALE_MS,
    log,
    onRead: (answer) => confidence.set(answer.confidence),
  });
  afterListening(async () => answers.current());
  const routes = questionRoutes({ currentAnswer: answers.current });
  return createRouter(routes, { log, metrics, projectId: config.GOOGLE_CLOUD_PROJECT });
}
