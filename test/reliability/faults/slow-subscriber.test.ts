/**
 * A slow subscriber: learn is slowed down (every delivery to it held 50 ms by the recording proxy)
 * and then stalled outright — its process stopped with SIGSTOP — just as the job fans out its 300
 * `document.learn` events, while 3,000 more `document.learn` events of a job that does not exist
 * (which learn acknowledges) are published at a steady rate. The backlog grows while learn is
 * stopped, then drains after SIGCONT. Afterwards: nothing was lost (published = delivered +
 * dead-lettered, the job succeeded, every document learned once), and the broker's resident memory
 * stayed bounded — it reads from the stream only as many entries as it has delivery slots, so a
 * backlog lives in Redis, not in the broker.
 */
import { describe, expect, it } from 'vitest';
import { EventType } from '../../../shared/events/index';
import { readJobList } from '../../../functions/learn/job-list';
import {
  brokerStats,
  eventually,
  reconcile,
  reconcileMetrics,
  rssKiB,
  sleep,
  faultStackForFile,
  verifyLearning,
} from './support/stack';

const PAGES = 300;
const EXTRA = 3000;
const BATCH = 50;
/** How long learn stays stopped. */
const STALL_MS = 12_000;
/** Held before each delivery to learn: a subscriber slower than the broker. */
const DELAY_MS = 50;
/** The broker's RSS may grow this much over its level before the backlog (KiB). */
const RSS_GROWTH_LIMIT_KIB = 64 * 1024;

/** Each test stops by itself well within this. */
const TEST_TIMEOUT_MS = 240_000;

const fs = faultStackForFile({ label: 'slow' });

/** Publishes `count` document.learn events of a job that does not exist, `BATCH` per request. */
async function publishExtra(count: number, perSecond: number): Promise<void> {
  const started = Date.now();
  for (let sent = 0; sent < count; sent += BATCH) {
    const events = Array.from({ length: Math.min(BATCH, count - sent) }, (_, i) => ({
      specversion: '1.0',
      type: EventType.DocumentLearn,
      source: '/multivac/reliability',
      id: `extra-${sent + i}`,
      datacontenttype: 'application/json',
      data: { jobId: 'job-that-does-not-exist', documentIds: [`extra-${sent + i}`], total: 1 },
    }));
    const res = await fetch(fs().stack.brokerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(events),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    expect(res.status).toBe(202);
    // Paced: the batch after this one is due at (sent + BATCH) / perSecond.
    const due = started + ((sent + BATCH) / perSecond) * 1000;
    await sleep(Math.max(0, due - Date.now()));
  }
}

describe('a slow subscriber', () => {
  it(
    `learn stalled while ${EXTRA} events pile up: the backlog drains, nothing is lost, broker memory stays bounded`,
    async () => {
      const learn = fs().stack.functions.get('learn')!;
      fs().ledger.hold = (fn) => (fn === 'learn' ? sleep(DELAY_MS) : undefined);

      // The pages first, acquired and settled: the backlog is the learning's.
      const started = Date.now();
      await fs().feed(PAGES);
      await eventually('every page acquired', async () =>
        (await fs().progress()).acquired === PAGES ? true : undefined,
      );
      await fs().settled();
      const brokerPid = fs().stack.broker.pid;
      const baseline = await rssKiB(brokerPid);

      // Sample the backlog (unread + pending entries of learn's document trigger) and the RSS.
      const samples: { backlog: number; rss: number }[] = [];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const stats = await brokerStats(fs().stack.adminUrl).catch(() => undefined);
          const t = stats?.triggers.find((x) => x.name === 'learn-document-learn');
          samples.push({
            backlog: (t?.lag ?? 0) + (t?.pending ?? 0),
            rss: await rssKiB(brokerPid),
          });
          await sleep(250);
        }
      })();

      const jobId = await fs().startJob();
      // Stop learn as soon as its plan is stored (it may be publishing the fan-out).
      await eventually(
        'the plan stored',
        async () => ((await readJobList(fs().db, 'plan', jobId)) ? true : undefined),
        { timeoutMs: 60_000, everyMs: 20 },
      );
      const learnPid = learn.pid!;
      process.kill(learnPid, 'SIGSTOP');
      const stalled = Date.now();
      await publishExtra(EXTRA, EXTRA / (STALL_MS / 1000 - 2));
      await sleep(Math.max(0, STALL_MS - (Date.now() - stalled)));
      const peakWhileStalled = Math.max(...samples.map((s) => s.backlog));
      process.kill(learnPid, 'SIGCONT');
      const resumed = Date.now();

      await fs().finished(jobId, 120_000);
      await fs().settled(60_000);
      const drainedMs = Date.now() - resumed;
      sampling = false;
      await sampler;
      const wallMs = Date.now() - started;

      const learned = await verifyLearning(fs(), jobId, PAGES);
      const counts = await reconcile(fs());
      expect(counts.lost).toBe(0);
      expect(counts.deadLettered).toBe(0);
      const metrics = await reconcileMetrics(fs());
      const extraDelivered = fs().ledger.attempts.filter(
        (a) => a.source === '/multivac/reliability' && a.status >= 200 && a.status < 300,
      );
      expect(new Set(extraDelivered.map((a) => a.id)).size).toBe(EXTRA);

      // The backlog grew while learn was stopped, and drained.
      expect(peakWhileStalled).toBeGreaterThan(EXTRA / 2);
      const after = (await brokerStats(fs().stack.adminUrl)).triggers.find(
        (x) => x.name === 'learn-document-learn',
      )!;
      expect((after.lag ?? 0) + (after.pending ?? 0)).toBe(0);
      // The broker held it in Redis, not in memory.
      const peakRss = Math.max(...samples.map((s) => s.rss));
      expect(peakRss - baseline).toBeLessThan(RSS_GROWTH_LIMIT_KIB);
      expect(learn.pid, 'learn was stopped, not killed').toBe(learnPid);

      const mib = (kib: number) => (kib / 1024).toFixed(1);
      console.log(
        `slow subscriber summary: learn stopped ${((resumed - stalled) / 1000).toFixed(1)} s (and ${DELAY_MS} ms per delivery), ` +
          `backlog peak ${Math.max(...samples.map((s) => s.backlog))} entries, drained in ${(drainedMs / 1000).toFixed(1)} s after SIGCONT, ` +
          `${learned.documents} documents learned once + ${EXTRA} extra events acknowledged, ` +
          `events published ${counts.published} = delivered ${counts.delivered} + dead-lettered ${counts.deadLettered}, ` +
          `events lost ${counts.lost}, duplicates absorbed ${counts.redelivered}, broker retried ${metrics.retried}, ` +
          `broker RSS ${mib(baseline)} MiB before, peak ${mib(peakRss)} MiB (+${mib(peakRss - baseline)}), ` +
          `wall ${(wallMs / 1000).toFixed(1)} s`,
      );
    },
    TEST_TIMEOUT_MS,
  );
});
