/**
 * kill -9 during a learning run: 300 generated pages are fed and learned by a stack started as
 * `npm start` starts it, while acquire, learn and the broker are killed with SIGKILL at moments
 * drawn from a seeded PRNG (MULTIVAC_FAULT_SEED replays a run). Functions come back the way the
 * platform brings them back — the pool starts one again on its next delivery — and the broker is
 * started again by the test, as Kubernetes restarts a pod. Afterwards: the job succeeded, every
 * document was learned exactly once, the answer cites relevant pages only, and every event the
 * broker accepted was delivered or dead-lettered.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  faultSeed,
  killFunction,
  reconcile,
  seededBetween,
  feedAndLearn,
  sleep,
  faultStackForFile,
  verifyLearning,
  withFaults,
} from './support/stack';

const PAGES = 300;
const seed = faultSeed();
const between = seededBetween(seed);

type Target = 'acquire' | 'learn' | 'broker';
interface Fault {
  target: Target;
  /** Fires once this progress counter reaches `at`, then after `jitterMs`. */
  on: 'acquired' | 'learned';
  at: number;
  jitterMs: number;
  /** The broker stays down this long before it is started again. */
  downMs: number;
}

// Two kills of each, one early and one late in the phase that keeps it busy.
const plan: Fault[] = [
  { target: 'acquire', on: 'acquired', at: between(15, 130) },
  { target: 'acquire', on: 'acquired', at: between(140, 260) },
  { target: 'broker', on: 'acquired', at: between(40, 240) },
  { target: 'learn', on: 'learned', at: between(10, 130) },
  { target: 'learn', on: 'learned', at: between(140, 270) },
  { target: 'broker', on: 'learned', at: between(30, 250) },
].map((f) => ({ ...f, jitterMs: between(0, 400), downMs: between(300, 2000) }) as Fault);

/** Each test stops by itself well within this. */
const TEST_TIMEOUT_MS = 240_000;

beforeAll(() => {
  console.log(
    `kill -9: seed ${seed} (MULTIVAC_FAULT_SEED=${seed} replays it); faults ${JSON.stringify(plan)}`,
  );
});

const fs = faultStackForFile({ label: 'kill' });

/** SIGKILL of one process of the running stack; the broker is then started again. */
async function kill(fault: Fault): Promise<string> {
  if (fault.target !== 'broker') return killFunction(fs(), fault.target);
  const pid = fs().stack.broker.pid;
  await fs().stack.broker.kill();
  await sleep(fault.downMs);
  await fs().stack.broker.start();
  return `broker pid ${pid} (down ${fault.downMs} ms)`;
}

describe('kill -9 during a learning run', () => {
  it(
    `acquire, learn and the broker killed twice each; ${PAGES} documents learned exactly once`,
    async () => {
      const started = Date.now();
      const { result, fired } = await withFaults(
        fs(),
        plan.map((f) => ({ ...f, act: () => kill(f) })),
        () => feedAndLearn(fs(), PAGES),
      );
      const { repeated: feedRetries, jobId, job } = result;
      const wallMs = Date.now() - started;
      await fs().settled();

      expect(fired, 'every planned kill happened before the job ended').toHaveLength(plan.length);
      const learned = await verifyLearning(fs(), jobId, PAGES);
      const counts = await reconcile(fs());
      expect(counts.lost).toBe(0);
      expect(counts.deadLettered).toBe(0);
      expect(job.answerVersion).toBeGreaterThan(0);

      console.log(`kill -9 kills: ${fired.join('; ')}`);
      console.log(
        `kill -9 summary: seed ${seed}, kills survived ${fired.length} (acquire 2, learn 2, broker 2), ` +
          `${learned.documents} documents learned once (${learned.passages} passages, no duplicate), ` +
          `events published ${counts.published} = delivered ${counts.delivered} + dead-lettered ${counts.deadLettered}, ` +
          `events lost ${counts.lost}, duplicates absorbed ${counts.redelivered}, ` +
          `failed attempts retried ${counts.failedAttempts}, requests repeated after a 5xx ${feedRetries + fs().repeatedPosts}, ` +
          `wall ${(wallMs / 1000).toFixed(1)} s`,
      );
    },
    TEST_TIMEOUT_MS,
  );
});
