import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NODE_MAJOR, NODE_VERSION, majorOf } from '../../tools/setup/node.mjs';

const root = resolve(import.meta.dirname, '../..');
let clone = '';
let cache = '';

/**
 * What a newcomer gets from `git clone` + `npm start`/`npm test`: the pre-script of both
 * (tools/setup/prepare.mjs) run in a clone of this repository's HEAD, with no node_modules.
 * Redis and the MongoDB-wire server are this project's (so their install steps have nothing to do
 * here; tools/services/system-packages.test.ts covers them).
 */
beforeAll(async () => {
  clone = await mkdtemp(join(tmpdir(), 'multivac-clone-'));
  cache = await mkdtemp(join(tmpdir(), 'multivac-cache-'));
  execFileSync('git', ['clone', '--quiet', root, clone]);
});
afterAll(async () => {
  await rm(clone, { recursive: true, force: true });
  await rm(cache, { recursive: true, force: true });
});

const env = () => ({
  ...process.env,
  REDIS_URL: inject('redisUrl'),
  MONGODB_URI: inject('mongoUri'),
});

function prepare(node = process.execPath, extra: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(node, ['tools/setup/prepare.mjs'], {
    cwd: clone,
    env: { ...env(), ...extra },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A node binary on PATH older than NODE_MAJOR (the machine's own, when it has one). */
function olderNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'node');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (version && majorOf(version) < NODE_MAJOR) return candidate;
  }
  return undefined;
}

describe('a fresh clone', () => {
  it('installs its dependencies by itself, once', () => {
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);
    const first = prepare();
    expect(first.output).toContain('npm ci');
    expect(first.status).toBe(0);
    expect(existsSync(join(clone, 'node_modules', 'tsx', 'package.json'))).toBe(true);
    const installed = statSync(join(clone, 'node_modules', '.package-lock.json')).mtimeMs;

    const second = prepare();
    expect(second.status).toBe(0);
    expect(second.output).not.toContain('npm ci');
    expect(statSync(join(clone, 'node_modules', '.package-lock.json')).mtimeMs).toBe(installed);
  });

  const older = olderNode();
  it.runIf(older)(
    `runs every script on Node ${NODE_VERSION} when the machine's Node is older (${older ?? 'none here'})`,
    () => {
      const result = spawnSync(
        older!,
        ['tools/setup/with-node.mjs', 'node', '-p', 'process.version'],
        {
          cwd: clone,
          env: { ...env(), MULTIVAC_CACHE_DIR: cache },
          encoding: 'utf8',
          timeout: 240_000,
        },
      );
      expect(result.stderr).toContain(`installing Node ${NODE_VERSION}`);
      expect(result.stdout.trim()).toBe(`v${NODE_VERSION}`);
      expect(result.status).toBe(0);
    },
  );
});
