import * as z from 'zod';
import { cacheFields, positiveInt, redisFields, runtimeFields, sinkFields } from './fields';
import { mongoFields } from './mongo';

/** `learn`: plans jobs, learns documents, and recomputes the answer when a job completes. */
export const learnConfig = z.object({
  ...runtimeFields,
  ...redisFields,
  ...mongoFields,
  ...sinkFields,
  ...cacheFields,
  // Sufficiency (docs/answer-engine.md explains each default; shared/knowledge tests justify them).
  /** Relevant passages needed: the 3 an answer shows at least. */
  MULTIVAC_MIN_PASSAGES: positiveInt.default(3),
  /** Distinct sources they must come from: one page alone is never corroborated. */
  MULTIVAC_MIN_SOURCES: positiveInt.default(2),
  /**
   * Evidence score of a relevant passage: 3 = each of the question's three words once in a
   * typical passage; above the 2.2 any single word can reach, so one word never suffices.
   */
  MULTIVAC_SCORE_THRESHOLD: z.coerce.number().nonnegative().default(3),
  /** Documents per `document.learn` event: learned with one bulk insert of their passages. */
  MULTIVAC_LEARN_BATCH: z.coerce.number().int().min(1).max(1000).default(50),
  /** Expansion lexicon: comma-separated entries replace the default; a leading `+` extends it. */
  MULTIVAC_LEXICON: z.string().max(8000).optional(),
});
export type LearnConfig = z.output<typeof learnConfig>;
