import type { RedisHandle } from '../../shared/redis/index';

export interface WaitRegistry {
  /** Records that `jobId` waits for each of `sourceIds`. */
  register(jobId: string, sourceIds: readonly string[]): Promise<void>;
  /**
   * The job waiting for `sourceId`; null when none does; 'unknown' when Redis has lost its
   * registrations (the caller asks MongoDB's claims instead).
   */
  lookup(sourceId: string): Promise<string | null | 'unknown'>;
  /** Forgets the registrations of a job that stopped waiting. */
  release(sourceIds: readonly string[]): Promise<void>;
  /** Records that no job waits for anything (MongoDB holds no wait claim), for a fresh Redis. */
  markNoneWaiting(): Promise<void>;
}

/**
 * Which job waits for which source, in Redis, so that the fetch outcome of every page — most of
 * which no job waits for — costs one Redis read instead of a MongoDB query. MongoDB's
 * `wait|<source>` claims stay the record: the registrations are written while a job plans, before
 * its `learning.requested` is acknowledged, so a crash of Redis that loses them also loses that
 * acknowledgement and the event registers them again; and `#epoch`, written with them (or when
 * MongoDB shows that nobody waits) and never removed, tells a Redis that lost everything
 * (→ 'unknown') from one where nobody waits.
 * No registration has a TTL: Redis evicts only keys that have one (`volatile-lru`), and one
 * evicted while `#epoch` stays would read as "nobody waits", leaving its job waiting forever. A job
 * releases its registrations when it plans.
 * The braces keep all of them in one hash slot of a Redis Cluster.
 */
export function createWaitRegistry({
  redis,
  prefix,
}: {
  redis: RedisHandle;
  prefix: string;
}): WaitRegistry {
  const key = (sourceId: string) => `${prefix}:{waits}:${sourceId}`;
  const epoch = `${prefix}:{waits}:#epoch`;
  return {
    async register(jobId, sourceIds) {
      if (sourceIds.length === 0) return;
      const pipeline = (await redis.client()).pipeline();
      for (const id of sourceIds) pipeline.set(key(id), jobId);
      pipeline.set(epoch, '1');
      for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
    },
    async lookup(sourceId) {
      const [owner, known] = await (await redis.client()).mget(key(sourceId), epoch);
      if (owner) return owner;
      return known ? null : 'unknown';
    },
    async markNoneWaiting() {
      await (await redis.client()).set(epoch, '1', 'NX');
    },
    async release(sourceIds) {
      if (sourceIds.length === 0) return;
      const pipeline = (await redis.client()).pipeline();
      for (const id of sourceIds) pipeline.del(key(id));
      for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
    },
  };
}
