/**
 * Seconds to wait from a `Retry-After` header (RFC 9110: delay-seconds or an HTTP-date), or
 * undefined when it is absent or unreadable. A date in the past means "now" (0).
 */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // Every HTTP-date form names a month; without one, Date.parse would read "1.5" as a date.
  if (!/(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
