// @ts-check
/**
 * `prestart` / `pretest`: everything `npm start` and `npm test` need on a fresh machine, done by
 * themselves. Plain JavaScript with no dependency, because it runs before `npm ci`:
 *  1. `npm ci` when node_modules is missing or older than package-lock.json;
 *  2. Node NODE_MAJOR (tools/setup/node.mjs) when the machine's Node is older;
 *  3. the servers (`npm run services -- install`, on that Node): redis-server from the system's
 *     package manager where the user may install, FerretDB built when Go is present — otherwise
 *     one line saying how.
 * Each step is skipped when already done, so a second run costs a few milliseconds.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureNode, withNodeOnPath } from './node.mjs';

const root = resolve(import.meta.dirname, '../..');

/**
 * @param {string} path
 * @returns {number | undefined}
 */
const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

/**
 * Whether node_modules must be (re)installed: npm records what it installed in
 * node_modules/.package-lock.json, so that file older than the lockfile means a stale install.
 * @param {string} dir the project
 */
export function dependenciesStale(dir) {
  const installed = mtime(join(dir, 'node_modules', '.package-lock.json'));
  const wanted = mtime(join(dir, 'package-lock.json'));
  return installed === undefined || (wanted !== undefined && wanted > installed);
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 */
function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function main() {
  if (dependenciesStale(root)) {
    console.error('node_modules is missing or older than package-lock.json: npm ci…');
    // The npm that runs this script, when there is one (npm sets npm_execpath).
    const npm = process.env.npm_execpath;
    const status = npm
      ? run(process.execPath, [npm, 'ci', '--no-audit', '--no-fund'])
      : run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund']);
    if (status !== 0) process.exit(status);
  }
  const node = ensureNode();
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const status = run(
    node,
    [tsx, 'tools/services/main.ts', 'install', '--quiet'],
    withNodeOnPath(node),
  );
  if (status !== 0) process.exit(status);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  try {
    main();
  } catch (err) {
    console.error(/** @type {Error} */ (err).message ?? err);
    process.exit(1);
  }
}
