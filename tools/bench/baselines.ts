import { dirname, join, resolve } from 'node:path';
import { bundleFunction, STARTER } from '../build/index';

const root = resolve(import.meta.dirname, '../..');

/**
 * Builds a benchmark's baseline server (a standalone entry, `entry` relative to the repository)
 * into `<outDir>/<name>/` as the functions are built: bundle, driver bundles, start-up and, unless
 * `codeCache` is false, its V8 code cache. Its start-up file.
 */
async function buildBaseline(
  name: string,
  entry: string,
  outDir: string,
  { codeCache = true }: { codeCache?: boolean } = {},
): Promise<string> {
  const file = join(root, entry);
  await bundleFunction(
    { name, dir: dirname(file), entry: file, kind: 'standalone' },
    root,
    outDir,
    {
      codeCache,
    },
  );
  return join(outDir, name, STARTER);
}

/** The hello-world Functions Framework function (tools/bench/hello). */
export const buildHello = (outDir: string) =>
  buildBaseline('hello', 'tools/bench/hello/index.ts', outDir);

/**
 * The broker benchmark's floor (tools/bench/relay.ts), without a code cache: making one runs the
 * server, which needs its arguments.
 */
export const buildRelay = (outDir: string) =>
  buildBaseline('relay', 'tools/bench/relay.ts', outDir, { codeCache: false });
