import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { OPTIONAL_PEERS } from './bundle';

/**
 * For the build's tests: bundles `contents` into `outfile` as the functions' bundles are bundled
 * (CommonJS for Node, the drivers' optional peers left out), with `plugins`, resolving its
 * imports from `root`.
 */
export async function bundleForTest(
  root: string,
  outfile: string,
  contents: string,
  plugins: Plugin[],
): Promise<void> {
  await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    external: OPTIONAL_PEERS,
    plugins,
    logLevel: 'silent',
  });
}

/** `contents` bundled in `dir` (bundleForTest), run with this Node; what it prints, as JSON. */
export async function runBundled(
  root: string,
  dir: string,
  name: string,
  contents: string,
  plugins: Plugin[],
): Promise<unknown> {
  const outfile = join(dir, `${name}-${plugins.length}.cjs`);
  await bundleForTest(root, outfile, contents, plugins);
  const { stdout } = await promisify(execFile)(process.execPath, [outfile]);
  return JSON.parse(stdout) as unknown;
}
