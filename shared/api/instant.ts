import * as z from 'zod';

/** A moment as the API writes it: RFC 3339 in UTC, as `Date.prototype.toISOString` gives it. */
export const instant = z.iso.datetime().meta({ description: 'an RFC 3339 instant in UTC' });
