import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

  it.each(['data', 'process', 'acquire', 'learn', 'console'])(
    "%s: Node's flags from its container's args, without the script",
    async (name) => {
      const spec = await readServiceSpec(root, name);
      expect(spec.nodeArgs).toEqual(['--max-opt=2', '--no-concurrent-recompilation']);
    },
  );

  it.each(['question', 'broker'])('%s keeps every tier of V8: no args', async (name) => {
    expect((await readServiceSpec(root, name)).nodeArgs).toBeUndefined();
  });

  it('args that do not end with the script are refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'service-spec-'));
    await mkdir(join(dir, 'knative/base'), { recursive: true });
    await writeFile(
      join(dir, 'knative/base/odd.yaml'),
      [
        'apiVersion: serving.knative.dev/v1',
        'kind: Service',
        'metadata: {name: odd}',
        'spec: {template: {spec: {containers: [{image: odd, args: [--max-opt=2]}]}}}',
      ].join('\n'),
    );
    await expect(readServiceSpec(dir, 'odd')).rejects.toThrow(/must end with \/app\/index.cjs/);
  });

  it('nothing for a function without a manifest', async () => {
    expect(await readServiceSpec(root, 'nothing-here')).toEqual({});
  });
});
