import { z } from 'zod';
import {
  httpFields,
  mongoFields,
  positiveInt,
  redisFields,
  runtimeFields,
  sinkFields,
} from './fields';

/** `data`: records sources and raw text, emits `source.requested`; rate-limited through Redis. */
export const dataConfig = z.object({
  ...runtimeFields,
  ...redisFields,
  ...mongoFields,
  ...sinkFields,
  ...httpFields,
  MULTIVAC_RATE_LIMIT_PER_MINUTE: positiveInt.default(120),
});
export type DataConfig = z.output<typeof dataConfig>;
