/**
 * The network clients a function's bundle leaves out: tools/build puts each one it uses into a
 * bundle of its own beside it (`driver-<name>.cjs`), and the start-up (start.ts) serves it from
 * there on first `require`. One file per client, so that a request that needs one (data's first
 * query: the MongoDB driver) does not read and deserialize the others' code (the Redis client's
 * is a fifth of the two).
 */
export const DRIVERS: readonly string[] = ['mongodb', 'ioredis', 'undici'];

/** The file beside a function's bundle that holds `driver`, one of DRIVERS. */
export const driverBundle = (driver: string): string => `driver-${driver}.cjs`;
