/**
 * `npm run build:cli` (run by `prepack`): the `multivac` command as one self-contained CommonJS
 * file, dist/cli/multivac.cjs, so an installed package runs it without tsx or any
 * devDependency (commander, cli-progress and zod are inside).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '../..');
const outfile = resolve(root, 'dist/cli/multivac.cjs');

await build({
  entryPoints: [resolve(root, 'tools/cli/run.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  absWorkingDir: root,
  minify: true,
  legalComments: 'inline',
  logLevel: 'warning',
});
console.log(`built ${outfile} (${Math.round((await stat(outfile)).size / 1024)} KiB)`);
