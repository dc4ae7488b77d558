import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readServiceSpec } from './service-spec';

const root = resolve(import.meta.dirname, '../..');

describe("what the local stack takes from a function's manifest", () => {
  it.each(['question', 'data', 'process', 'acquire', 'learn', 'console'])(
    '%s: its concurrency limit, its V8 heap flags and its memory limit',
    async (name) => {
      const spec = await readServiceSpec(root, name);
      expect(spec.containerConcurrency).toBeGreaterThan(0);
      expect(spec.nodeOptions).toMatch(/--max-old-space-size=\d+/);
      expect(spec.mallocArenaMax).toBe('2');
      expect(spec.memoryLimitMiB).toBeGreaterThan(0);
    },
  );

  it('the broker, a Deployment: its heap flags and memory limit', async () => {
    const spec = await readServiceSpec(root, 'broker');
    expect(spec.nodeOptions).toMatch(/--max-old-space-size=\d+/);
    expect(spec.memoryLimitMiB).toBeGreaterThan(0);
  });

  it('nothing for a function without a manifest', async () => {
    expect(await readServiceSpec(root, 'nothing-here')).toEqual({});
  });
});
