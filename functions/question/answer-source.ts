import type { Db } from 'mongodb';
import { getCachedAnswer, setCachedAnswer, type Cache } from '../../shared/cache/index';
import { NO_ANSWER, type AnswerView } from '../../shared/knowledge/answer-view';
import type { Logger } from '../../shared/log/index';
import { answerToView, latestAnswer } from '../../shared/store/index';

export interface AnswerSourceDeps {
  cache: Cache;
  db(): Promise<Db>;
  ttlSeconds: number;
  log: Logger;
}

/**
 * Where `GET /multivac` gets the current answer: the Redis cache (written through by `learn`),
 * else MongoDB's newest answer version, which then refills the cache. Never recomputed here.
 * Concurrent misses in one process share a single MongoDB read and cache fill.
 */
export function answerSource({
  cache,
  db,
  ttlSeconds,
  log,
}: AnswerSourceDeps): () => Promise<AnswerView> {
  let filling: Promise<AnswerView> | undefined;
  const fill = async (): Promise<AnswerView> => {
    const doc = await latestAnswer(await db());
    const view = doc ? answerToView(doc) : NO_ANSWER;
    await setCachedAnswer(cache, view, ttlSeconds).catch((err: unknown) =>
      log.warn({ err }, 'answer cache not refilled'),
    );
    return view;
  };
  return async () => {
    const cached = await getCachedAnswer(cache).catch((err: unknown) => {
      log.warn({ err }, 'answer cache unavailable; reading MongoDB');
      return null;
    });
    if (cached) return cached;
    filling ??= fill().finally(() => (filling = undefined));
    return filling;
  };
}
