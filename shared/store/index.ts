/** MongoDB persistence: the lazily connected client, typed collections, indexes and idempotency. */
export { createStore, type Store, type StoreOptions } from './client';
export * from './collections';
export {
  ensureIndexes,
  ensureIndexesOnce,
  INDEXES,
  indexVersion,
  type IndexReport,
} from './indexes';
export {
  upsertByKey,
  insertOnce,
  wasProcessed,
  markProcessed,
  eventKey,
  sweepExpired,
} from './idempotency';
export { recordFacts, readFacts, factCounts, clearFanIn } from './fan-in';
export { isDuplicateKey, onlyDuplicates } from './errors';
export { jobFanInKey, jobWaitKey } from './jobs';
export { latestAnswer, answerToView } from './answers';
