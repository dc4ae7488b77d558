import * as z from '../zod/index';
import {
  cacheFields,
  httpFields,
  rateLimitFields,
  redisFields,
  runtimeFields,
  sinkFields,
} from './fields';
import { mongoFields } from './mongo';

/**
 * `process`: creates learning jobs and reports their progress (read from `learn`'s counts).
 * Starting jobs is rate-limited per client address like writes to `data`; a job costs more than a
 * write, so the default allows fewer.
 */
export const processConfig = z.object({
  ...runtimeFields,
  ...redisFields,
  MULTIVAC_CACHE_PREFIX: cacheFields.MULTIVAC_CACHE_PREFIX,
  ...mongoFields,
  ...sinkFields,
  ...httpFields,
  ...rateLimitFields(30),
});
export type ProcessConfig = z.output<typeof processConfig>;
