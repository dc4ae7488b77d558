import * as z from '../zod/index';
import { httpFields, positiveInt, runtimeFields } from './fields';

/** What the function runtime itself needs, whatever the function. */
export const runtimeConfig = z.object({
  ...runtimeFields,
  ...httpFields,
  /** Bytes of request bodies handled at once (shared/runtime/body-budget.ts); 4 × the limit. */
  MULTIVAC_BODY_BUDGET_BYTES: z.optional(positiveInt),
});
export type RuntimeConfig = z.output<typeof runtimeConfig>;
