import { describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log/index';
import { Deliveries } from './deliveries';
import type { StreamEntry } from './entry';
import type { Settler } from './settle';
import type { Trigger } from './triggers';

/** Deliveries whose attempts wait until the test ends them, one by one. */
function deliveries(concurrency: number) {
  const running: { entry: StreamEntry; answered: () => void; finish: () => void }[] = [];
  const d = new Deliveries({
    trigger: { name: 't', retry: 2 } as Trigger,
    keys: { trigger: 't', stream: 's' } as never,
    concurrency,
    redis: () => Promise.reject(new Error('not used')),
    settle: { unfinished: () => undefined } as unknown as Settler,
    attempt: (entry, _n, answered) =>
      new Promise<void>((finish) => running.push({ entry, answered, finish })),
    metrics: { inFlight: { inc() {}, dec() {} } },
    log: createLogger({ service: 'test', level: 'silent' }),
  });
  return { d, running };
}

const entry = (id: string): StreamEntry => ({
  id,
  event: { specversion: '1.0', id, source: '/t', type: 't' },
});

describe('Deliveries, with reads at the append', () => {
  it('holds capacity for a read in flight and gives back what the read did not use', async () => {
    const { d, running } = deliveries(4);
    expect(d.reserve()).toBe(4); // no more than there is room for
    expect(d.capacity).toBe(0);
    expect(d.reserve()).toBe(0);
    let woke = false;
    const waiting = d.whenFree().then(() => (woke = true));
    await d.takeReserved(4, [entry('1'), entry('2')]);
    expect(running.map((r) => r.entry.id)).toEqual(['1', '2']);
    expect(d.capacity).toBe(2);
    await waiting;
    expect(woke).toBe(true); // the two slots the read left were announced
  });

  it('delivers the events handed over as they are, without decoding', async () => {
    const { d, running } = deliveries(2);
    const handed = entry('x');
    await d.takeReserved(d.reserve(), [handed]);
    expect(running[0]!.entry).toBe(handed);
  });

  it('has no capacity while a waiting queue or a reservation fills it', async () => {
    const { d, running } = deliveries(1);
    await d.takeReserved(d.reserve(), [entry('a')]);
    // A read that was waiting in Redis brings one more than there is room for: it waits here.
    await d.take([['b', ['event', JSON.stringify(entry('b').event)]]], () => 1);
    expect(running).toHaveLength(1);
    expect(d.capacity).toBe(-1);
    expect(d.reserve()).toBe(0);
    running[0]!.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(running.map((r) => r.entry.id)).toEqual(['a', 'b']);
    expect(d.capacity).toBe(0);
  });

  it('frees the slot once the subscriber answered, and keeps the entry until it is settled', async () => {
    const { d, running } = deliveries(1);
    await d.takeReserved(d.reserve(), [entry('a')]);
    expect(d.capacity).toBe(0);
    running[0]!.answered(); // the acknowledgement is still on its way
    expect(d.capacity).toBe(1);
    expect(d.has('a')).toBe(true);
    let drained = false;
    const draining = d.drained().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    running[0]!.finish();
    await draining;
    expect(d.has('a')).toBe(false);
    expect(d.capacity).toBe(1);
  });
});
