import * as z from '../zod/index';
import { fetchPolicyFields, positiveInt, runtimeFields, sinkFields } from './fields';
import { mongoFields } from './mongo';

/** `acquire`: fetches user URLs safely (docs/safe-fetching.md) and stores the documents. */
export const acquireConfig = z.object({
  ...runtimeFields,
  ...mongoFields,
  ...sinkFields,
  ...fetchPolicyFields,
  MULTIVAC_FETCH_TIMEOUT_MS: z._default(positiveInt, 10_000),
  MULTIVAC_FETCH_MAX_BYTES: z._default(positiveInt, 2 * 1024 * 1024),
  MULTIVAC_FETCH_MAX_REDIRECTS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(5)), 5),
  /**
   * Deliveries of one request that may fail transiently before the source is recorded as failed.
   * Below the trigger's 6 tries (`retry: 5`), so the give-up is recorded and announced before the
   * broker dead-letters the event.
   */
  MULTIVAC_FETCH_MAX_ATTEMPTS: z._default(
    z.coerce.number().check(z.int(), z.gte(1), z.lte(100)),
    5,
  ),
});
export type AcquireConfig = z.output<typeof acquireConfig>;
