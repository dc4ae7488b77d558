import { z } from 'zod';
import type { Cache } from './cache';

/** The current answer as served by `GET /multivac` (JSON form, docs/architecture.md#http-api). */
export const answerView = z.object({
  status: z.enum(['insufficient', 'answered']),
  answer: z.string(),
  confidence: z.number().min(0).max(1),
  sources: z.array(
    z.object({ n: z.number().int().positive(), url: z.string().optional(), title: z.string() }),
  ),
  knowledgeVersion: z.string(),
  updatedAt: z.string(),
});
export type AnswerView = z.output<typeof answerView>;

/**
 * What MultiVAC says until its knowledge is sufficient — exactly this text
 * (docs/architecture.md#http-api).
 */
export const INSUFFICIENT_ANSWER = 'INSUFFICIENT DATA FOR MEANINGFUL ANSWER.';

/** The answer before anything was ever learned: knowledge version "0". */
export const NO_ANSWER: AnswerView = Object.freeze({
  status: 'insufficient',
  answer: INSUFFICIENT_ANSWER,
  confidence: 0,
  sources: [],
  knowledgeVersion: '0',
  updatedAt: new Date(0).toISOString(),
}) as AnswerView;

const CURRENT = ['answer', 'current'] as const;

/** Reads the cached current answer (null on a miss or an unreadable entry). */
export const getCachedAnswer = (cache: Cache) => cache.get(cache.key(...CURRENT), answerView);

/** Writes the current answer through to the cache. */
export const setCachedAnswer = (cache: Cache, answer: AnswerView, ttlSeconds: number) =>
  cache.set(cache.key(...CURRENT), answer, ttlSeconds);
