import * as z from '../zod/index';
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
  MULTIVAC_MIN_PASSAGES: z._default(positiveInt, 3),
  /** Distinct sources they must come from: one page alone is never corroborated. */
  MULTIVAC_MIN_SOURCES: z._default(positiveInt, 2),
  /**
   * Evidence score of a relevant passage: 3 = each of the question's three words once in a
   * typical passage; above the 2.2 any single word can reach, so one word never suffices.
   */
  MULTIVAC_SCORE_THRESHOLD: z._default(z.coerce.number().check(z.nonnegative()), 3),
  /** Documents per `document.learn` event: learned with one bulk insert of their passages. */
  MULTIVAC_LEARN_BATCH: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000)), 50),
  /** Expansion lexicon: comma-separated entries replace the default; a leading `+` extends it. */
  MULTIVAC_LEXICON: z.optional(z.string().check(z.maxLength(8000))),
});
export type LearnConfig = z.output<typeof learnConfig>;
