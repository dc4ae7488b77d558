import * as z from 'zod';
import {
  cacheFields,
  fetchPolicyFields,
  httpFields,
  positiveInt,
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
  MULTIVAC_RATE_LIMIT_PER_MINUTE: positiveInt.default(120),
  /**
   * Proxies in front of the function that append to X-Forwarded-For (the gateway: 1). The client
   * address is the entry that many places from the right; 0 uses the socket's peer.
   */
  MULTIVAC_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(1),
});
export type DataConfig = z.output<typeof dataConfig>;
