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

  it('wakes a waiter when a slot comes free', async () => {
    const slots = new Slots(1);
    slots.take();
    let woke = false;
    const waiting = slots.whenFree().then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    slots.release();
    await waiting;
    expect(woke).toBe(true);
  });

  it('resolves whenIdle once everything is released', async () => {
    const slots = new Slots(3);
    slots.take();
    slots.take();
    const idle = slots.whenIdle();
    slots.release();
    expect(slots.used).toBe(1);
    slots.release();
    await idle;
    expect(slots.used).toBe(0);
  });
});
