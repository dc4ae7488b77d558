import * as z from '../zod/index';
import { httpFields, runtimeFields } from './fields';

/**
 * `console`: the web console's page and browser assets. It serves only what was bundled into
 * it, so it needs no Redis, MongoDB or broker: the browser calls the public API itself.
 */
export const consoleConfig = z.object({
  ...runtimeFields,
  ...httpFields,
});
export type ConsoleConfig = z.output<typeof consoleConfig>;
