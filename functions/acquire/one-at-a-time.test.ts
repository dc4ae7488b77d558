import { describe, expect, it } from 'vitest';
import { oneAtATime } from './one-at-a-time';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('oneAtATime', () => {
  it('runs calls one after another, in the order they came', async () => {
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const gated = oneAtATime(async (n: number) => {
      running++;
      most = Math.max(most, running);
      await tick();
      order.push(n);
      running--;
      return n * 2;
    });
    expect(await Promise.all([1, 2, 3, 4].map((n) => gated(n)))).toEqual([2, 4, 6, 8]);
    expect(most).toBe(1);
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('a call that fails does not hold back the next one', async () => {
    const gated = oneAtATime(async (fail: boolean) => {
      await tick();
      if (fail) throw new Error('bad page');
      return 'ok';
    });
    const [first, second] = await Promise.allSettled([gated(true), gated(false)]);
    expect(first).toMatchObject({ status: 'rejected', reason: { message: 'bad page' } });
    expect(second).toEqual({ status: 'fulfilled', value: 'ok' });
  });
});
