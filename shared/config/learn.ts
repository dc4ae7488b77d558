import { z } from 'zod';
import {
  cacheFields,
  mongoFields,
  positiveInt,
  redisFields,
  runtimeFields,
  sinkFields,
} from './fields';

/** `learn`: plans jobs, learns documents, and recomputes the answer when a job completes. */
export const learnConfig = z.object({
  ...runtimeFields,
  ...redisFields,
  ...mongoFields,
  ...sinkFields,
  ...cacheFields,
  MULTIVAC_MIN_PASSAGES: positiveInt.default(3),
  MULTIVAC_MIN_SOURCES: positiveInt.default(2),
  MULTIVAC_SCORE_THRESHOLD: z.coerce.number().nonnegative().default(1),
});
export type LearnConfig = z.output<typeof learnConfig>;
