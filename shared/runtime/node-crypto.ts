import type * as NodeCrypto from 'node:crypto';

/**
 * node:crypto, loaded by the first call rather than by an import: a static import loads it when a
 * bundle starts, ~3.5 ms of every cold start before the function listens, for hashes and ids that
 * only a request or an event needs (the drivers load it anyway once connected).
 */
export const nodeCrypto = (): typeof NodeCrypto => process.getBuiltinModule('node:crypto');
