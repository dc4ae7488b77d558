import * as z from '../zod/index';
import {
  cacheFields,
  fetchPolicyFields,
  httpFields,
  rateLimitFields,
  redisFields,
  runtimeFields,
  sinkFields,
} from './fields';
import { mongoFields } from './mongo';

/** `data`: records sources and raw text, emits `source.requested`; rate-limited through Redis. */
export const dataConfig = z.object({
  ...runtimeFields,
  ...redisFields,
  ...mongoFields,
  ...sinkFields,
  ...httpFields,
  ...fetchPolicyFields,
  MULTIVAC_CACHE_PREFIX: cacheFields.MULTIVAC_CACHE_PREFIX,
  ...rateLimitFields(120),
});
export type DataConfig = z.output<typeof dataConfig>;
