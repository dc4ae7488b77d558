import { monotonicMs } from '../metrics/clock';

/** Where this clock's zero is: its first load, as `performance.now()` counts from the process's start. */
const origin = monotonicMs();

/**
 * `performance` for the network clients' bundles (driver-<name>.cjs), which tools/build injects in
 * place of the global: the MongoDB driver reads `performance.now()` for every timeout and duration,
 * and the first touch of the global loads Node's whole performance API (~2.5–3.5 ms of a cold
 * start's first request). `now()` reads the same monotonic clock without it; anything else
 * (undici's `markResourceTiming`, for its fetch) is the real `performance`, loaded on first use.
 */
export const performance: Performance = new Proxy(
  { now: () => monotonicMs() - origin },
  {
    get: (own, name) => {
      if (name in own) return Reflect.get(own, name);
      const real = globalThis.performance;
      const value: unknown = Reflect.get(real, name);
      return typeof value === 'function' ? value.bind(real) : value;
    },
  },
) as unknown as Performance;
