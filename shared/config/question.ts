import * as z from 'zod';
import { cacheFields, httpFields, redisFields, runtimeFields } from './fields';
import { mongoFields } from './mongo';

/** `question`: serves the answer from the Redis cache, falling back to MongoDB. */
export const questionConfig = z.object({
  ...runtimeFields,
  ...redisFields,
  ...mongoFields,
  ...httpFields,
  ...cacheFields,
});
export type QuestionConfig = z.output<typeof questionConfig>;
