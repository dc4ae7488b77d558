/**
 * The network clients a function's bundle leaves out: tools/build puts the ones it uses into
 * `drivers.cjs` beside it, and the start-up (start.ts) serves them from there on first `require`.
 */
export const DRIVERS: readonly string[] = ['mongodb', 'ioredis', 'undici'];

/** The file beside a function's bundle that holds them. */
export const DRIVERS_BUNDLE = 'drivers.cjs';
