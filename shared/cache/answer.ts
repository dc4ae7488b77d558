import { answerView, type AnswerView } from '../knowledge/answer-view';
import type { Cache } from './cache';

const CURRENT = ['answer', 'current'] as const;

/** Reads the cached current answer (null on a miss or an unreadable entry). */
export const getCachedAnswer = (cache: Cache) => cache.get(cache.key(...CURRENT), answerView);

/** Writes the current answer through to the cache. */
export const setCachedAnswer = (cache: Cache, answer: AnswerView, ttlSeconds: number) =>
  cache.set(cache.key(...CURRENT), answer, ttlSeconds);
