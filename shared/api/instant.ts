import * as z from '../zod/index';

/** A moment as the API writes it: RFC 3339 in UTC, as `Date.prototype.toISOString` gives it. */
export const instant = z.iso
  .datetime()
  .register(z.globalRegistry, { description: 'an RFC 3339 instant in UTC' });
