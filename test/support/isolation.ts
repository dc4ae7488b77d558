import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

/** A database name no other test file uses. */
export const uniqueDbName = (label = 't') => `${label}_${randomBytes(5).toString('hex')}`;

/** A Redis key namespace no other test file uses. */
export const uniquePrefix = (label = 't') => `test:${label}:${randomBytes(5).toString('hex')}`;

/** The servers started by services.setup.ts. */
export function servers() {
  return {
    redisUrl: inject('redisUrl'),
    mongoUri: inject('mongoUri'),
    mongoKind: inject('mongoKind'),
  };
}
