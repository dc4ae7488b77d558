import { parse } from 'tinyduration';

/**
 * An ISO-8601 duration (`PT0.1S`, `PT2S`, `PT1M30S`, `P1D`) in milliseconds, as Knative's
 * `backoffDelay` and `timeout` are written. Years and months have no fixed length and negative
 * durations make no sense for a delay, so both are refused; so is anything that is not a duration.
 */
export function durationMs(text: string): number {
  let duration;
  try {
    duration = parse(text);
  } catch {
    throw new Error(`${JSON.stringify(text)} is not an ISO-8601 duration (e.g. PT0.5S, PT2M)`);
  }
  if (duration.negative) throw new Error(`${JSON.stringify(text)} is negative`);
  if (duration.years || duration.months) {
    throw new Error(`${JSON.stringify(text)} uses years or months, which have no fixed length`);
  }
  const seconds =
    (duration.weeks ?? 0) * 604_800 +
    (duration.days ?? 0) * 86_400 +
    (duration.hours ?? 0) * 3_600 +
    (duration.minutes ?? 0) * 60 +
    (duration.seconds ?? 0);
  return Math.round(seconds * 1000);
}
