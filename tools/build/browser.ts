import { readdir } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';
import type { FunctionSource } from './discover';

/**
 * The import through which a function gets its browser assets: `functions/<name>/browser/` built
 * for the browser and embedded into the function's own bundle, so the image stays one file and a
 * page can never be served with assets from another build.
 */
export const BROWSER_ASSETS_MODULE = 'multivac:browser-assets';

/** One built file, named by its content hash. */
export interface BrowserFile {
  name: string;
  type: string;
  /** The bytes, base64 (the manifest is embedded as JSON). */
  base64: string;
}

/**
 * What the embedded module exports: every built file, and which hashed file each logical name
 * became (`main.js`, `main.css`, and each file of `browser/static/` under its own name).
 */
export interface BrowserAssets {
  entries: Record<string, string>;
  files: BrowserFile[];
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const typeOf = (name: string) => TYPES[extname(name)] ?? 'application/octet-stream';

/** Browsers this build targets: what Chromium, Firefox and Safari of the last two years run. */
export const BROWSER_TARGET = ['chrome111', 'firefox111', 'safari16.4'];

/**
 * Builds `<dir>/main.ts` (with the CSS it imports) and copies `<dir>/static/*`, all minified and
 * named `<name>-<hash>.<ext>`, in memory. `inputs` lists every source file read, to watch.
 */
export async function buildBrowserAssets(
  dir: string,
): Promise<BrowserAssets & { inputs: string[]; dirs: string[] }> {
  const statics = await readdir(join(dir, 'static')).catch(() => undefined);
  const entryPoints = [
    { in: join(dir, 'main.ts'), out: 'main' },
    ...(statics ?? []).map((file) => ({
      in: join(dir, 'static', file),
      out: basename(file, extname(file)),
    })),
  ];
  const result = await build({
    entryPoints,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: BROWSER_TARGET,
    minify: true,
    legalComments: 'none',
    write: false,
    metafile: true,
    outdir: join(dir, '.out'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    // Static files are copied byte for byte: only their names change.
    loader: Object.fromEntries((statics ?? []).map((file) => [extname(file), 'copy' as const])),
    absWorkingDir: dir,
    logLevel: 'silent',
  });
  const outDir = join(dir, '.out');
  const files = result.outputFiles.map((file) => {
    const name = relative(outDir, file.path).replace(/\\/g, '/');
    return { name, type: typeOf(name), base64: Buffer.from(file.contents).toString('base64') };
  });
  const entries: Record<string, string> = {};
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    const name = relative(outDir, join(dir, path)).replace(/\\/g, '/');
    if (output.entryPoint === undefined) continue;
    const source = basename(output.entryPoint);
    if (source === 'main.ts') {
      entries['main.js'] = name;
      if (output.cssBundle)
        entries['main.css'] = relative(outDir, join(dir, output.cssBundle)).replace(/\\/g, '/');
    } else entries[source] = name;
  }
  const inputs = Object.keys(result.metafile.inputs).map((path) => join(dir, path));
  return { entries, files, inputs, dirs: statics ? [dir, join(dir, 'static')] : [dir] };
}

/**
 * Resolves {@link BROWSER_ASSETS_MODULE} in a function's bundle to the manifest of its
 * `browser/` folder, rebuilt (and watched, in `npm run dev`) with the function.
 */
export function browserAssetsPlugin(fn: FunctionSource): Plugin {
  return {
    name: 'browser-assets',
    setup(esbuild) {
      esbuild.onResolve({ filter: new RegExp(`^${BROWSER_ASSETS_MODULE}$`) }, () => ({
        path: fn.name,
        namespace: 'browser-assets',
      }));
      esbuild.onLoad({ filter: /.*/, namespace: 'browser-assets' }, async () => {
        const { entries, files, inputs, dirs } = await buildBrowserAssets(join(fn.dir, 'browser'));
        const manifest: BrowserAssets = { entries, files };
        return {
          contents: `export default ${JSON.stringify(manifest)};`,
          loader: 'js',
          watchFiles: inputs,
          watchDirs: dirs,
        };
      });
    },
  };
}
