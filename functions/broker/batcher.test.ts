import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher';

describe('Batcher', () => {
  it('sends what was added in one turn as one call', async () => {
    const calls: number[][] = [];
    const batcher = new Batcher<number>(async (items) => void calls.push(items));
    await Promise.all([1, 2, 3].map((n) => batcher.add(n)));
    await batcher.add(4);
    expect(calls).toEqual([[1, 2, 3], [4]]);
  });

  it('splits at the maximum size', async () => {
    const calls: number[][] = [];
    const batcher = new Batcher<number>(async (items) => void calls.push(items), 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    expect(calls).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('tells every caller of a failed call', async () => {
    let fail = true;
    const batcher = new Batcher<string>(async () => {
      if (fail) throw new Error('Redis is down');
    });
    const results = await Promise.allSettled([batcher.add('a'), batcher.add('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batcher.add('c')).resolves.toBeUndefined();
  });
});
