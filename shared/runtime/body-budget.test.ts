import { describe, expect, it } from 'vitest';
import { BodyBudget } from './body-budget';

const release = async (taken: Promise<() => void> | (() => void)) => (await taken)();

describe('BodyBudget', () => {
  it('grants what fits at once and queues the rest in arrival order', async () => {
    const budget = new BodyBudget(100);
    const a = budget.take(60);
    const b = budget.take(60);
    const c = budget.take(10);
    expect(typeof a).toBe('function');
    expect(b).toBeInstanceOf(Promise);
    // c would fit, but waits behind b: a large body is not starved by small ones.
    expect(c).toBeInstanceOf(Promise);
    const order: string[] = [];
    void (b as Promise<() => void>).then(() => order.push('b'));
    void (c as Promise<() => void>).then(() => order.push('c'));
    await release(a);
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual(['b', 'c']);
  });

  it('a body larger than the whole budget takes all of it rather than waiting forever', async () => {
    const budget = new BodyBudget(100);
    const big = budget.take(500);
    expect(typeof big).toBe('function');
    const next = budget.take(1);
    expect(next).toBeInstanceOf(Promise);
    await release(big);
    expect(typeof (await next)).toBe('function');
  });

  it('releasing twice gives the bytes back once', async () => {
    const budget = new BodyBudget(100);
    const a = budget.take(100) as () => void;
    a();
    a();
    const b = budget.take(100);
    expect(typeof b).toBe('function');
    expect(budget.take(1)).toBeInstanceOf(Promise);
  });
});
