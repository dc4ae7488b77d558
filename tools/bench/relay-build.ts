import { join, resolve } from 'node:path';
import { bundleFunction, STARTER } from '../build/index';

const root = resolve(import.meta.dirname, '../..');

/**
 * Builds the broker benchmark's floor (tools/bench/relay.ts) into `<outDir>/relay/` as the
 * functions are built (bundle, drivers.cjs, start-up and V8 code cache); its start-up file.
 */
export async function buildRelay(outDir: string): Promise<string> {
  await bundleFunction(
    {
      name: 'relay',
      dir: join(root, 'tools/bench'),
      entry: join(root, 'tools/bench/relay.ts'),
      kind: 'standalone',
    },
    root,
    outDir,
    // Its code cache would be made by running it, which needs its arguments.
    { codeCache: false },
  );
  return join(outDir, 'relay', STARTER);
}
