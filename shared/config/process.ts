import { z } from 'zod';
import { httpFields, runtimeFields, sinkFields } from './fields';
import { mongoFields } from './mongo';

/** `process`: creates learning jobs and reports their progress. */
export const processConfig = z.object({
  ...runtimeFields,
  ...mongoFields,
  ...sinkFields,
  ...httpFields,
});
export type ProcessConfig = z.output<typeof processConfig>;
