import * as z from '../zod/index';
import { cacheFields, httpFields, redisFields, runtimeFields } from './fields';
import { mongoFields } from './mongo';

/** `question`: serves the answer from the Redis cache, falling back to MongoDB. */
export const questionConfig = z.object({
  ...runtimeFields,
  ...redisFields,
  ...mongoFields,
  ...httpFields,
  ...cacheFields,
  /**
   * How long the answer held in memory may be served while Redis cannot announce new versions
   * (while it can, a new version replaces it about a round trip after it is stored). 0: always ask
   * Redis.
   */
  MULTIVAC_ANSWER_MAX_STALE_MS: z._default(
    z.coerce.number().check(z.int(), z.gte(0), z.lte(60_000)),
    1000,
  ),
});
export type QuestionConfig = z.output<typeof questionConfig>;
