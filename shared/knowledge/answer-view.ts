import * as z from '../zod/index';

/** The current answer as `GET /multivac` serves it (JSON form; docs/architecture.md#http-api). */
export const answerView = z.object({
  status: z.enum(['insufficient', 'answered']),
  answer: z.string(),
  confidence: z.number().check(z.gte(0), z.lte(1)),
  sources: z.array(
    z.object({
      n: z.number().check(z.int(), z.positive()),
      url: z.optional(z.string()),
      title: z.string(),
    }),
  ),
  knowledgeVersion: z.string(),
  updatedAt: z.string(),
});
export type AnswerView = z.output<typeof answerView>;

/** What MultiVAC says until its knowledge is sufficient — exactly this text. */
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
