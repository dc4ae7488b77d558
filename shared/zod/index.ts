/**
 * zod for MultiVAC's runtime code: the functional `zod/mini` API, with zod's English messages.
 *
 * Every function builds its schemas (configuration, events, requests) while its bundle loads, on
 * the cold start's path. zod's chainable API installs dozens of methods on each schema class the
 * first time one is made and clones a schema for every chained call; `zod/mini` builds the same
 * schemas, which parse and fail the same way, for about a quarter of that
 * (docs/architecture.md#runtime). Its messages come from the same English locale, which
 * `zod/mini` leaves to the program to choose.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
