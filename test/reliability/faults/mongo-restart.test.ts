/**
 * The MongoDB-wire server (FerretDB, or mongod when it is on PATH) restarted mid-run: 300
 * generated pages are fed and learned while the stack's server is killed and started again on the
 * same port and data twice — once while pages are being acquired, once while they are being
 * learned — at moments drawn from a seeded PRNG. Deliveries that fail meanwhile (the functions
 * answer 500) must be retried by the broker until they succeed. Afterwards: the job succeeded,
 * every source acquired, every document learned once, every accepted event delivered or
 * dead-lettered, and the broker's retry counter shows the retries.
 */
import { describe, expect, it } from 'vitest';
import {
  faultSeed,
  reconcile,
  reconcileMetrics,
  seededBetween,
  feedAndLearn,
  faultStackForFile,
  verifyLearning,
  withFaults,
} from './support/stack';

const PAGES = 300;
const seed = faultSeed();
const between = seededBetween(seed);

/** Each test stops by itself well within this. */
const TEST_TIMEOUT_MS = 240_000;

const fs = faultStackForFile({ label: 'mongo' });

/**
 * Stops the server (gracefully or with SIGKILL), keeps it down for `downMs`, starts it again on the
 * same port. After a graceful stop the MongoDB driver (7.9) could keep a client that never
 * reconnects; `shared/store/client.ts` now replaces it (docs/reliability.md, "Found").
 */
async function restartMongo(downMs: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<string> {
  const { mongo } = fs().stack.services;
  const pid = mongo.process!.pid;
  const stopped = performance.now();
  await mongo.restart!({ signal, downMs });
  const away = Math.round(performance.now() - stopped);
  return `${mongo.kind} pid ${pid} ${signal === 'SIGKILL' ? 'killed' : 'stopped'} and restarted (unreachable ${away} ms)`;
}

describe('the MongoDB-wire server restarted mid-run', () => {
  it(
    `twice during a ${PAGES}-document run: the job completes, failed deliveries were retried`,
    async () => {
      const faults = [
        {
          on: 'acquired' as const,
          at: between(40, 200),
          downMs: between(1000, 3000),
          signal: 'SIGTERM' as const,
        },
        {
          on: 'learned' as const,
          at: between(40, 220),
          downMs: between(1000, 3000),
          signal: 'SIGKILL' as const,
        },
      ].map((f) => ({
        ...f,
        jitterMs: between(0, 300),
        act: () => restartMongo(f.downMs, f.signal),
      }));
      console.log(
        `MongoDB restart: seed ${seed} (MULTIVAC_FAULT_SEED=${seed} replays it); at ${faults.map((f) => `${f.on} ${f.at}`).join(', ')}`,
      );
      const started = Date.now();
      const { result, fired } = await withFaults(fs(), faults, () => feedAndLearn(fs(), PAGES));
      const { repeated, jobId } = result;
      const wallMs = Date.now() - started;
      await fs().settled();

      expect(fired, 'both restarts happened before the job ended').toHaveLength(faults.length);
      const learned = await verifyLearning(fs(), jobId, PAGES);
      const counts = await reconcile(fs());
      expect(counts.lost).toBe(0);
      expect(counts.deadLettered).toBe(0);
      const metrics = await reconcileMetrics(fs());
      // Deliveries failed while the server was away, and the broker retried them.
      expect(metrics.retried).toBeGreaterThan(0);
      expect(counts.failedAttempts).toBeGreaterThan(0);

      console.log(`MongoDB restart: ${fired.join('; ')}`);
      console.log(
        `MongoDB restart summary: seed ${seed}, restarts survived ${fired.length}, ` +
          `${learned.documents} sources acquired and documents learned once (${learned.passages} passages), ` +
          `events published ${counts.published} = delivered ${counts.delivered} + dead-lettered ${counts.deadLettered}, ` +
          `events lost ${counts.lost}, duplicates absorbed ${counts.redelivered}, ` +
          `failed deliveries retried ${counts.failedAttempts} (broker retried metric ${metrics.retried}), ` +
          `requests repeated after a 5xx ${repeated + fs().repeatedPosts}, wall ${(wallMs / 1000).toFixed(1)} s`,
      );
    },
    TEST_TIMEOUT_MS,
  );
});
