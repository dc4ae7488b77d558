// @ts-check
/**
 * The Node.js that MultiVAC runs on. Plain JavaScript with no dependency: it runs before
 * `npm ci`, on whatever Node the machine has. Node 20 is end of life; when the running Node is
 * older than NODE_MAJOR, the exact NODE_VERSION is installed once from the npm registry (which
 * publishes Node's own binaries as `node-<platform>-<arch>` packages) into the tool cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE_MAJOR = 24;
/** Pinned: the images, CI and the local stack run the same Node. */
export const NODE_VERSION = '24.22.3';

/**
 * @param {string} version e.g. `v20.20.2` or `20.20.2`
 * @returns {number}
 */
export const majorOf = (version) => Number(version.replace(/^v/, '').split('.')[0]);

/**
 * Where tools keep what they build or download (FerretDB, Node).
 * @param {NodeJS.ProcessEnv} env
 */
export function cacheDir(env = process.env) {
  if (env.MULTIVAC_CACHE_DIR) return env.MULTIVAC_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'multivac');
}

/**
 * The npm package that carries Node's binary for this machine, or undefined where there is none.
 * @param {string} platform
 * @param {string} arch
 */
export function nodePackage(platform = process.platform, arch = process.arch) {
  const supported = { linux: ['x64', 'arm64'], darwin: ['x64', 'arm64'] };
  const arches = /** @type {Record<string, string[]>} */ (supported)[platform];
  return arches?.includes(arch) ? `node-${platform}-${arch}` : undefined;
}

/**
 * The binary of the cached Node for this machine (it may not exist yet).
 * @param {NodeJS.ProcessEnv} env
 */
export function cachedNode(env = process.env) {
  const pkg = nodePackage();
  if (!pkg) return undefined;
  return join(cacheDir(env), 'node', NODE_VERSION, 'node_modules', pkg, 'bin', 'node');
}

/**
 * A Node of at least NODE_MAJOR: this one, or the cached one, installed first when missing.
 * Throws with one line saying how to get one when neither is possible.
 * @param {{ env?: NodeJS.ProcessEnv, log?: (line: string) => void, current?: { version: string, execPath: string } }} [options]
 * @returns {string} the path of the node binary
 */
export function ensureNode({ env = process.env, log = console.error, current = process } = {}) {
  if (majorOf(current.version) >= NODE_MAJOR) return current.execPath;
  const binary = cachedNode(env);
  const pkg = nodePackage();
  if (!binary || !pkg) {
    throw new Error(
      `MultiVAC needs Node.js ${NODE_MAJOR} (this is ${current.version} on ${process.platform}-${process.arch}): install it from https://nodejs.org`,
    );
  }
  if (existsSync(binary)) return binary;
  const prefix = join(cacheDir(env), 'node', NODE_VERSION);
  log(
    `Node ${current.version} is older than ${NODE_MAJOR}: installing Node ${NODE_VERSION} (${pkg}) into ${prefix} (once)…`,
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(
    npm,
    [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `${pkg}@${NODE_VERSION}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env },
  );
  if (result.status !== 0 || !existsSync(binary)) {
    throw new Error(
      `could not install Node ${NODE_VERSION} from the npm registry (npm install ${pkg}@${NODE_VERSION}); install Node.js ${NODE_MAJOR} from https://nodejs.org`,
    );
  }
  return binary;
}

/**
 * The environment that puts `node` (the binary) first on PATH, so that every `#!/usr/bin/env
 * node` below it (npm, tsx, vitest, spawned functions) runs on it.
 * @param {string} node
 * @param {NodeJS.ProcessEnv} env
 * @returns {NodeJS.ProcessEnv}
 */
export function withNodeOnPath(node, env = process.env) {
  const dir = join(node, '..');
  const sep = process.platform === 'win32' ? ';' : ':';
  return { ...env, PATH: env.PATH ? `${dir}${sep}${env.PATH}` : dir };
}
