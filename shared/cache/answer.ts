import { answerView, type AnswerView } from '../knowledge/answer-view';
import type { Cache } from './cache';

const CURRENT = ['answer', 'current'] as const;

/** Reads the cached current answer (null on a miss or an unreadable entry). */
export const getCachedAnswer = (cache: Cache) => cache.get(cache.key(...CURRENT), answerView);

/**
 * Writes the current answer through to the cache (learn, for every version it stores) and
 * announces its version to every `question` instance holding an older one in memory.
 */
export const setCachedAnswer = (cache: Cache, answer: AnswerView, ttlSeconds: number) =>
  cache.set(cache.key(...CURRENT), answer, ttlSeconds, answer.knowledgeVersion);

/**
 * Refills the cache from MongoDB after a miss (question): only where it is still empty, so that a
 * version `learn` wrote meanwhile is never replaced by the older one read before it.
 */
export const fillCachedAnswer = (cache: Cache, answer: AnswerView, ttlSeconds: number) =>
  cache.setIfAbsent(cache.key(...CURRENT), answer, ttlSeconds);

/** Where new versions of the answer are announced (their knowledge version). */
export const answerChannel = (cache: Cache) => cache.channel(cache.key(...CURRENT));
