/** `m:ss` (or `h:mm:ss`) of a number of seconds, the fraction dropped. */
export function clock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A rate with one decimal below 10 a second, none above; "–" while unknown. */
export function perSecond(rate: number | null): string {
  if (rate === null) return '–/s';
  return `${rate < 10 ? rate.toFixed(1) : Math.round(rate)}/s`;
}
