import type { Redis } from 'ioredis';
import { TRIM } from './scripts';
import { runScript } from '../../shared/redis/index';

/** What one trim did: entries removed and the lowest id kept. */
export interface TrimResult {
  readonly removed: number;
  readonly keptFrom: string;
}

/**
 * Trims a stream below the oldest entry that some group still has pending or has not read yet
 * (one atomic script, see scripts.ts). Null when there is no stream or no group.
 */
export async function trimStream(redis: Redis, stream: string): Promise<TrimResult | null> {
  const reply = (await runScript(redis, TRIM, [stream], [])) as [number, string] | null;
  return reply ? { removed: reply[0], keptFrom: reply[1] } : null;
}
