import { join, resolve } from 'node:path';
import { bundleFunction, STARTER } from '../build/index';

const root = resolve(import.meta.dirname, '../..');

/** Builds the hello-world baseline (tools/bench/hello) into `<outDir>/hello/`; its start-up file. */
export async function buildHello(outDir: string): Promise<string> {
  await bundleFunction(
    {
      name: 'hello',
      dir: join(root, 'tools/bench/hello'),
      entry: join(root, 'tools/bench/hello/index.ts'),
      kind: 'standalone',
    },
    root,
    outDir,
  );
  return join(outDir, 'hello', STARTER);
}
