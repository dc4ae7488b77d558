/** JSON values in Redis with a TTL, and the cached current answer. */
export { createCache, type Cache } from './cache';
export { answerChannel, fillCachedAnswer, getCachedAnswer, setCachedAnswer } from './answer';
