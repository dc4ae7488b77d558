import * as z from 'zod';
import { httpFields, positiveInt, runtimeFields } from './fields';

/** What the function runtime itself needs, whatever the function. */
export const runtimeConfig = z.object({
  ...runtimeFields,
  ...httpFields,
  /** Bytes of request bodies handled at once (shared/runtime/body-budget.ts); 4 × the limit. */
  MULTIVAC_BODY_BUDGET_BYTES: positiveInt.optional(),
});
export type RuntimeConfig = z.output<typeof runtimeConfig>;
