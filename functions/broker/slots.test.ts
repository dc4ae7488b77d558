import { describe, expect, it } from 'vitest';
import { Slots } from './slots';

describe('Slots', () => {
  it('counts what is taken and refuses more than its size', () => {
    const slots = new Slots(2);
    slots.take();
    slots.take();
    expect([slots.free, slots.used]).toEqual([0, 2]);
    expect(() => slots.take()).toThrow('no free slot');
  });

  it('wakes every waiter at the next release', async () => {
    const slots = new Slots(1);
    slots.take();
    let woke = 0;
    const waiting = [slots.nextChange(), slots.nextChange()].map((p) => p.then(() => woke++));
    await Promise.resolve();
    expect(woke).toBe(0);
    slots.release();
    await Promise.all(waiting);
    expect([woke, slots.free]).toEqual([2, 1]);
  });

  it('wakes waiters when told, with nothing released', async () => {
    const slots = new Slots(1);
    const waiting = slots.nextChange();
    slots.notify();
    await waiting;
    expect(slots.used).toBe(0);
  });
});
