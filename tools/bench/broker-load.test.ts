import { describe, expect, it } from 'vitest';
import { Sink, interleaved, merged, type Measured } from './broker-load';

const run = (events: number, seconds: number, cpuSeconds?: number): Measured => ({
  events,
  seconds,
  latenciesMs: Array.from({ length: events }, (_, i) => i),
  ...(cpuSeconds !== undefined ? { cpuSeconds } : {}),
});

describe('merged', () => {
  it('adds events, seconds, latencies and CPU up', () => {
    const m = merged([run(2, 1, 0.5), run(3, 2, 0.25)]);
    expect(m).toMatchObject({ events: 5, seconds: 3, cpuSeconds: 0.75 });
    expect(m.latenciesMs).toEqual([0, 1, 0, 1, 2]);
    expect(m.redisCpuSeconds).toBeUndefined();
  });

  it('leaves CPU out when a run could not tell it', () => {
    expect(merged([run(1, 1, 0.5), run(1, 1)]).cpuSeconds).toBeUndefined();
  });
});

describe('interleaved', () => {
  it('goes round the paths slice by slice and gives each its whole count', async () => {
    const calls: string[] = [];
    const path = (name: string) => async (events: number, slice: number) => {
      calls.push(`${name}${slice}:${events}`);
      return run(events, events / 100);
    };
    const result = await interleaved({ a: path('a'), b: path('b') }, 10, 3);
    expect(calls).toEqual(['a0:4', 'b0:4', 'a1:3', 'b1:3', 'a2:3', 'b2:3']);
    expect(result.a).toMatchObject({ events: 10, seconds: 0.1 });
    expect(result.b.latenciesMs).toHaveLength(10);
  });
});

describe('Sink', () => {
  it('calls a run failed when no event arrives for a while, rather than waiting for ever', async () => {
    await expect(new Sink().expect(2, 'broker-single-0', 50)).rejects.toThrow(
      'broker-single-0: 0 of 2 events arrived, none in 50 ms',
    );
  });
});
