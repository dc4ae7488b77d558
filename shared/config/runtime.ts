import * as z from 'zod';
import { httpFields, runtimeFields } from './fields';

/** What the function runtime itself needs, whatever the function. */
export const runtimeConfig = z.object({ ...runtimeFields, ...httpFields });
export type RuntimeConfig = z.output<typeof runtimeConfig>;
