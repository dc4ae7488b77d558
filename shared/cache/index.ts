/** Redis: a lazily connected client and the namespaced JSON cache with TTLs. */
export { createRedis, type RedisHandle } from './redis';
export { createCache, type Cache } from './cache';
export {
  answerView,
  getCachedAnswer,
  setCachedAnswer,
  INSUFFICIENT_ANSWER,
  NO_ANSWER,
  type AnswerView,
} from './answer';
