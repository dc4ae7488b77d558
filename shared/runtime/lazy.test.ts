import { describe, expect, it } from 'vitest';
import { lazy, once } from './lazy';

describe('lazy', () => {
  it('builds once for concurrent callers', async () => {
    let builds = 0;
    const get = lazy(async () => ++builds);
    expect(await Promise.all([get(), get(), get()])).toEqual([1, 1, 1]);
    expect(await get()).toBe(1);
  });

  it('forgets a failure and tries again', async () => {
    let attempt = 0;
    const get = lazy(async () => {
      if (++attempt === 1) throw new Error('down');
      return attempt;
    });
    await expect(get()).rejects.toThrow('down');
    expect(await get()).toBe(2);
  });
});

describe('once', () => {
  it('builds on first use only', () => {
    let builds = 0;
    const get = once(() => ++builds);
    expect(builds).toBe(0);
    expect([get(), get()]).toEqual([1, 1]);
  });
});
