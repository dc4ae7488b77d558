import { execFile } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { DRIVERS, driverBundle } from '../../shared/runtime/drivers';
import { NODE_FLAGS, NODE_FLAGS_FILE } from '../../shared/runtime/node-flags';
import { readServiceSpec } from '../dev/service-spec';
import { browserAssetsPlugin } from './browser';
import { loadedOnFirstCallPlugin } from './loaded-on-first-call';
import { randomWithoutWebCryptoPlugin } from './random-without-webcrypto';
import { withoutRequestDomainPlugin } from './without-request-domain';
import type { FunctionSource } from './discover';
import type { TrainingServers } from './training';

const run = promisify(execFile);

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
  /** The size of its V8 code cache, when one was made. */
  codeCacheBytes?: number;
  /** Its `driver-<name>.cjs` files (their bytes together), when it uses some of DRIVERS. */
  drivers?: { names: string[]; bytes: number };
}

/** What runs a function: the start-up that loads its bundle with its code cache. */
export const STARTER = 'index.cjs';
/** The function's bundle and its V8 code cache. */
export const BUNDLE = 'function.cjs';

/** `multivac:function` (imported by shared/runtime/entry.ts) is this function's `index.ts`. */
function functionModulePlugin(fn: FunctionSource): Plugin {
  return {
    name: 'multivac-function',
    setup(b) {
      b.onResolve({ filter: /^multivac:function$/ }, () => ({ path: fn.entry }));
    },
  };
}

/**
 * The bundle of one function: a Functions Framework function's main module is
 * shared/runtime/entry.ts (it registers the function, then serves it); a standalone server's is its
 * own `index.ts`.
 */
export function bundleOptions(fn: FunctionSource, root: string, outDir: string): BuildOptions {
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    outfile: join(outDir, fn.name, BUNDLE),
    sourcemap: 'linked',
    // Whitespace and syntax, not identifiers: with identifiers minified, esbuild's keepNames
    // re-adds every function's name with Object.defineProperty as the function is created, and
    // the closures made for each request (Express's router, on-finished) paid that on every
    // request: question's CPU per cached GET was 1.3-1.8x what it is without (interleaved, at a
    // fixed 3,000/s). Unminified identifiers keep the names that errors and logs show by
    // themselves; the bundles are ~30 % larger, and start no slower (their code cache is the same
    // size).
    minifyWhitespace: true,
    minifySyntax: true,
    // ASCII only (the default, said here because shared/runtime/start.ts reads it as latin1).
    charset: 'ascii',
    legalComments: 'linked',
    metafile: true,
    external: [...OPTIONAL_PEERS, ...DRIVERS],
    // `import('mongodb')` of an external driver as `require` in a promise, which start.ts's
    // `require` serves from driver-<name>.cjs (a script compiled by `vm` has no module loader).
    supported: { 'dynamic-import': false },
    absWorkingDir: root,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Node's built-ins in place of packages that re-implement them (see each module): iconv-lite's
    // tables are ~480 KiB of every bundle, whatwg-url's ~230 KiB.
    alias: {
      'iconv-lite': join(root, 'shared/runtime/iconv-lite.ts'),
      'whatwg-url': join(root, 'shared/runtime/whatwg-url.ts'),
      // The package's ES module source, one file per language, of which esbuild keeps the one
      // imported (English): its CommonJS build, the default, is every language (~210 KiB).
      stopword: 'stopword/src/stopword.js',
    },
    plugins: [browserAssetsPlugin(fn), loadedOnFirstCallPlugin(root), withoutRequestDomainPlugin()],
  };
  if (fn.kind === 'standalone') return { ...common, entryPoints: [fn.entry] };
  return {
    ...common,
    entryPoints: [join(root, 'shared/runtime/entry.ts')],
    define: {
      ...common.define,
      MULTIVAC_TARGET: JSON.stringify(fn.name),
      MULTIVAC_SIGNATURE: JSON.stringify(fn.kind),
    },
    plugins: [...common.plugins!, functionModulePlugin(fn)],
  };
}

/** The drivers that a function's bundle requires (external there), from its metafile. */
export function driversUsed(metafile: Metafile): string[] {
  const used = new Set<string>();
  for (const output of Object.values(metafile.outputs))
    for (const { path, external } of output.imports)
      if (external && DRIVERS.includes(path)) used.add(path);
  return DRIVERS.filter((d) => used.has(d));
}

/**
 * `driver-<name>.cjs`: one of DRIVERS (shared/runtime/drivers.ts), a bundle of its own beside the
 * function's, loaded when first required: no part of its start (question's bundle halves and its
 * start-up takes ~10 ms less), and a request that needs one driver loads that one alone.
 */
export function driverOptions(
  fn: FunctionSource,
  driver: string,
  root: string,
  outDir: string,
): BuildOptions {
  const {
    entryPoints: _entry,
    define: _define,
    plugins: _plugins,
    ...common
  } = bundleOptions(fn, root, outDir);
  return {
    ...common,
    define: { 'process.env.NODE_ENV': '"production"' },
    external: OPTIONAL_PEERS,
    plugins: [loadedOnFirstCallPlugin(root), randomWithoutWebCryptoPlugin(root)],
    // The drivers' `performance` is one whose `now()` loads nothing (shared/runtime/performance.ts).
    inject: [join(root, 'shared/runtime/performance.ts')],
    outfile: join(outDir, fn.name, driverBundle(driver)),
    stdin: {
      contents: `module.exports = require(${JSON.stringify(driver)});`,
      resolveDir: root,
      sourcefile: driverBundle(driver),
      loader: 'js',
    },
  };
}

/** The start-up (shared/runtime/start.ts), the same small file for every function. */
export function starterOptions(fn: FunctionSource, root: string, outDir: string): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    entryPoints: [join(root, 'shared/runtime/start.ts')],
    outfile: join(outDir, fn.name, STARTER),
    absWorkingDir: root,
    logLevel: 'warning',
  };
}

/**
 * What a function needs to start without its real configuration (the broker: its triggers), and
 * the servers its training run talks to, when there are some (tools/build/training.ts).
 */
export const codeCacheEnv = (root: string, servers?: TrainingServers): NodeJS.ProcessEnv => ({
  MULTIVAC_TRIGGERS_FILE: join(root, 'knative/base/triggers.yaml'),
  ...(servers ? { REDIS_URL: servers.redisUrl, MONGODB_URI: servers.mongoUri } : {}),
});

/**
 * Makes the bundle's V8 code cache with this Node (`node index.cjs --write-code-cache`: the
 * function runs, gets a first caller's requests, and writes what V8 compiled). A cache made by
 * another Node, or by the same one with other code-generation flags, is ignored at run time, so
 * images make theirs with the Node they run and the flags they start it with: NODE_FLAGS here, as
 * in the Dockerfile, and the starter adds the function's own (NODE_FLAGS_FILE).
 */
export async function writeCodeCache(dir: string, env: NodeJS.ProcessEnv = {}): Promise<number> {
  await run(process.execPath, [...NODE_FLAGS, join(dir, STARTER), '--write-code-cache'], {
    cwd: dir,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env },
    timeout: 60_000,
  });
  return (await stat(join(dir, `${BUNDLE}.cache`))).size;
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

/**
 * Builds one function into `<outDir>/<name>/` (replacing what was there): its self-contained
 * bundle, the start-up that runs it, and (unless `codeCache` is false) the bundle's code cache.
 */
export async function bundleFunction(
  fn: FunctionSource,
  root: string,
  outDir: string,
  {
    codeCache = true,
    servers,
  }: {
    codeCache?: boolean;
    /** For the code cache's training run (tools/build/training.ts). */
    servers?: TrainingServers | undefined;
  } = {},
): Promise<BundleReport> {
  const dir = join(outDir, fn.name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const [result] = await Promise.all([
    build(bundleOptions(fn, root, outDir)),
    build(starterOptions(fn, root, outDir)),
  ]);
  const file = join(dir, BUNDLE);
  await writeFile(join(dir, 'meta.json'), JSON.stringify(result.metafile));
  const drivers = driversUsed(result.metafile!);
  await Promise.all(drivers.map((d) => build(driverOptions(fn, d, root, outDir))));
  await writeFile(
    join(dir, NODE_FLAGS_FILE),
    JSON.stringify((await readServiceSpec(root, fn.name)).nodeArgs ?? []),
  );
  return {
    name: fn.name,
    kind: fn.kind,
    file,
    bytes: (await stat(file)).size,
    largest: largestInputs(result.metafile!),
    ...(drivers.length
      ? {
          drivers: {
            names: drivers,
            bytes: (await Promise.all(drivers.map((d) => stat(join(dir, driverBundle(d)))))).reduce(
              (sum, s) => sum + s.size,
              0,
            ),
          },
        }
      : {}),
    ...(codeCache
      ? { codeCacheBytes: await writeCodeCache(dir, codeCacheEnv(root, servers)) }
      : {}),
  };
}
