/**
 * Redis restarted mid-run (AOF on, as tools/services starts it): 300 generated pages are fed and
 * learned while the stack's Redis is stopped (SIGTERM: it writes its AOF) and started again on the
 * same port twice — once while pages are being acquired, once while they are being learned — at
 * moments drawn from a seeded PRNG. The broker and the functions must reconnect by themselves.
 * Afterwards: every entry Redis held before each restart is still there, events published after
 * it were delivered, every source acquired, every document learned once, the job succeeded, and
 * every accepted event was delivered or dead-lettered.
 */
import { describe, expect, it } from 'vitest';
import {
  entriesUpTo,
  faultSeed,
  reconcile,
  reconcileMetrics,
  seededBetween,
  feedAndLearn,
  faultStackForFile,
  metric,
  scrape,
  streamMark,
  type StreamMark,
  verifyLearning,
  withFaults,
} from './support/stack';

const PAGES = 300;
const seed = faultSeed();
const between = seededBetween(seed);

/** Each test stops by itself well within this. */
const TEST_TIMEOUT_MS = 240_000;

const fs = faultStackForFile({ label: 'redis' });
const marks: StreamMark[] = [];
/** Events the broker had delivered when each restart began. */
const deliveredAt: number[] = [];

const delivered = async () =>
  metric(await scrape(fs().stack.broker.metricsUrl), 'multivac_broker_delivered_total');

/** Stops Redis (SIGTERM), keeps it down for `downMs`, starts it again on the same port and data. */
async function restartRedis(downMs: number): Promise<string> {
  const mark = await streamMark(fs());
  marks.push(mark);
  deliveredAt.push(await delivered());
  const pid = fs().stack.services.redis.process!.pid;
  await fs().stack.services.redis.restart!({ signal: 'SIGTERM', downMs });
  return `Redis pid ${pid} restarted (down ${downMs} ms, streams ${mark.length} entries)`;
}

describe('Redis restarted mid-run', () => {
  it(
    `twice during a ${PAGES}-document run: everyone reconnects, nothing is lost`,
    async () => {
      const faults = [
        { on: 'acquired' as const, at: between(40, 200), downMs: between(1000, 3000) },
        { on: 'learned' as const, at: between(40, 220), downMs: between(1000, 3000) },
      ].map((f) => ({ ...f, jitterMs: between(0, 300), act: () => restartRedis(f.downMs) }));
      console.log(
        `Redis restart: seed ${seed} (MULTIVAC_FAULT_SEED=${seed} replays it); at ${faults.map((f) => `${f.on} ${f.at}`).join(', ')}`,
      );
      const started = Date.now();
      const { result, fired } = await withFaults(fs(), faults, () => feedAndLearn(fs(), PAGES));
      const { repeated, jobId } = result;
      const wallMs = Date.now() - started;
      await fs().settled();

      expect(fired, 'both restarts happened before the job ended').toHaveLength(faults.length);
      // AOF: every entry Redis held when it was stopped is still there.
      for (const mark of marks) expect(await entriesUpTo(fs(), mark)).toBe(mark.length);
      // And the broker delivered events after the last restart (so it reconnected). New stream
      // entries would not show it: every batch of a job may be on its way before the restart.
      expect(await delivered()).toBeGreaterThan(deliveredAt.at(-1)!);

      const learned = await verifyLearning(fs(), jobId, PAGES);
      const counts = await reconcile(fs());
      expect(counts.lost).toBe(0);
      expect(counts.deadLettered).toBe(0);
      const metrics = await reconcileMetrics(fs());

      console.log(`Redis restart: ${fired.join('; ')}`);
      console.log(
        `Redis restart summary: seed ${seed}, restarts survived ${fired.length}, ` +
          `${learned.documents} sources acquired and documents learned once (${learned.passages} passages), ` +
          `events published ${counts.published} = delivered ${counts.delivered} + dead-lettered ${counts.deadLettered}, ` +
          `events lost ${counts.lost}, duplicates absorbed ${counts.redelivered}, ` +
          `failed attempts retried ${counts.failedAttempts} (broker retried metric ${metrics.retried}), ` +
          `requests repeated after a 5xx ${repeated + fs().repeatedPosts}, wall ${(wallMs / 1000).toFixed(1)} s`,
      );
    },
    TEST_TIMEOUT_MS,
  );
});
