import * as z from 'zod';
import { cacheFields, httpFields, redisFields, runtimeFields, sinkFields } from './fields';
import { mongoFields } from './mongo';

/** `process`: creates learning jobs and reports their progress (read from `learn`'s counts). */
export const processConfig = z.object({
  ...runtimeFields,
  ...redisFields,
  MULTIVAC_CACHE_PREFIX: cacheFields.MULTIVAC_CACHE_PREFIX,
  ...mongoFields,
  ...sinkFields,
  ...httpFields,
});
export type ProcessConfig = z.output<typeof processConfig>;
