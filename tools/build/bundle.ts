import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { browserAssetsPlugin } from './browser';
import type { FunctionSource } from './discover';

/**
 * Optional peers that the drivers `require` inside try/catch (compression, Kerberos, client-side
 * encryption, SOCKS, AWS auth, node-canvas). MultiVAC uses none of them; leaving them external keeps
 * the bundle self-contained and the `require` fails softly exactly as it does without them installed.
 */
export const OPTIONAL_PEERS = [
  '@aws-sdk/credential-providers',
  '@mongodb-js/zstd',
  'gcp-metadata',
  'kerberos',
  'mongodb-client-encryption',
  'snappy',
  'socks',
  'aws4',
  'canvas',
];

export interface BundleReport {
  name: string;
  kind: FunctionSource['kind'];
  file: string;
  bytes: number;
  /** The largest inputs, to see what a bundle is made of. */
  largest: { path: string; bytes: number }[];
}

/**
 * The entry of an FF function: register it (importing its index), then serve it on the
 * framework's server from the same bundle, so the registry it registered with is the one serving.
 */
export function entrySource(fn: FunctionSource, root: string): string {
  const index = `./${relative(root, fn.entry).replace(/\\/g, '/')}`;
  return [
    `import ${JSON.stringify(index)};`,
    `import { runFunction } from './shared/runtime/main';`,
    `runFunction(${JSON.stringify(fn.name)}, ${JSON.stringify(fn.kind)}).catch((err) => {`,
    `  console.error(JSON.stringify({ severity: 'CRITICAL', message: String(err && err.message || err) }));`,
    `  process.exit(1);`,
    `});`,
  ].join('\n');
}

export function bundleOptions(fn: FunctionSource, root: string, outDir: string): BuildOptions {
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    outfile: join(outDir, fn.name, 'index.cjs'),
    sourcemap: 'linked',
    minify: true,
    keepNames: true,
    legalComments: 'linked',
    metafile: true,
    external: OPTIONAL_PEERS,
    absWorkingDir: root,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [browserAssetsPlugin(fn)],
  };
  if (fn.kind === 'standalone') return { ...common, entryPoints: [fn.entry] };
  return {
    ...common,
    stdin: {
      contents: entrySource(fn, root),
      resolveDir: root,
      sourcefile: `${fn.name}-entry.ts`,
      loader: 'ts',
    },
  };
}

function largestInputs(metafile: Metafile, count = 5): { path: string; bytes: number }[] {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = match
        ? match[1]!
        : path.startsWith('shared/')
          ? 'shared/'
          : path.startsWith('functions/')
            ? 'functions/'
            : path;
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage.entries()]
    .map(([path, bytes]) => ({ path, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}

/** Builds one self-contained bundle in `<outDir>/<name>/` (replacing what was there). */
export async function bundleFunction(
  fn: FunctionSource,
  root: string,
  outDir: string,
): Promise<BundleReport> {
  await rm(join(outDir, fn.name), { recursive: true, force: true });
  await mkdir(join(outDir, fn.name), { recursive: true });
  const result = await build(bundleOptions(fn, root, outDir));
  const file = join(outDir, fn.name, 'index.cjs');
  await writeFile(join(outDir, fn.name, 'meta.json'), JSON.stringify(result.metafile));
  return {
    name: fn.name,
    kind: fn.kind,
    file,
    bytes: (await stat(file)).size,
    largest: largestInputs(result.metafile!),
  };
}
