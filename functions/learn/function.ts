import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { createCache } from '../../shared/cache/index';
import { learnConfig } from '../../shared/config/learn';
import { type Env } from '../../shared/config/parse';
import { EventType } from '../../shared/events/index';
import { createFanIn } from '../../shared/fan-in/index';
import { QUESTION, lexiconFrom, queryTerms } from '../../shared/knowledge/index';
import {
  databaseFor,
  eventFunction,
  functionContext,
  once,
  redisFor,
  sinkEmitter,
} from '../../shared/runtime/index';
import type { LearnDeps } from './deps';
import { onDocumentLearn, onLearningRequested, onSourceOutcome } from './handlers';
import { createWaitRegistry } from './wait-registry';

const ACCEPTS = [
  EventType.LearningRequested,
  EventType.DocumentLearn,
  EventType.SourceAcquired,
  EventType.SourceFailed,
] as const;

/**
 * The `learn` function: plans learning jobs, learns documents, and recomputes the answer when a
 * job completes. Configuration is parsed at registration; MongoDB and Redis connect on first use.
 */
export function learnFunction(env?: Env): CloudEventFunction {
  const { config, log, metrics } = functionContext('learn', learnConfig, env);
  const confidence = metrics.gauge(
    'multivac_answer_confidence',
    'Confidence of the newest answer stored.',
  );
  const redis = redisFor(config.REDIS_URL, metrics);
  const prefix = config.MULTIVAC_CACHE_PREFIX;
  const deps: LearnDeps = {
    db: databaseFor(config, 'learn', metrics),
    emit: sinkEmitter(config, metrics),
    cache: createCache(redis, prefix),
    cacheTtlSeconds: config.MULTIVAC_CACHE_TTL_SECONDS,
    fanIn: createFanIn({ redis, prefix }),
    waits: createWaitRegistry({ redis, prefix }),
    batchSize: config.MULTIVAC_LEARN_BATCH,
    query: once(() => queryTerms(QUESTION, lexiconFrom(config.MULTIVAC_LEXICON))),
    thresholds: {
      minPassages: config.MULTIVAC_MIN_PASSAGES,
      minSources: config.MULTIVAC_MIN_SOURCES,
      scoreThreshold: config.MULTIVAC_SCORE_THRESHOLD,
    },
    onAnswer: (value) => confidence.set(value),
  };
  return eventFunction(
    ACCEPTS,
    (event, elog) => {
      switch (event.type) {
        case EventType.LearningRequested:
          return onLearningRequested(event.data, deps, elog);
        case EventType.DocumentLearn:
          return onDocumentLearn(event.data, deps, elog);
        case EventType.SourceAcquired:
          return onSourceOutcome(event.data, 'done', deps, elog);
        default:
          return onSourceOutcome(event.data, 'failed', deps, elog);
      }
    },
    { log, metrics, projectId: config.GOOGLE_CLOUD_PROJECT },
  );
}
