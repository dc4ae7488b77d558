import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Node's own command-line flags for every function and the broker: the image's ENTRYPOINT
 * (Dockerfile), the build that makes the code cache, and wherever the local stack and the
 * benchmarks start a bundle. They must be the same everywhere: V8 takes a code cache only from a
 * Node started with the same code-generation flags.
 *
 * `--liftoff-only`: undici (the broker's deliveries, acquire's fetches) parses HTTP with llhttp
 * compiled to WebAssembly. After the first requests V8 recompiles llhttp's one large function with
 * its optimizing tier, which takes ~20 MiB for a moment and keeps ~8 MiB more of code (measured on
 * acquire and the broker: their peak RSS). The baseline tier's code parses a response's few hundred
 * bytes of headers as fast for all the broker's benchmark shows. It is not allowed in NODE_OPTIONS,
 * hence an argument.
 */
export const NODE_FLAGS: readonly string[] = ['--liftoff-only'];

/**
 * A function's flags of its own, after NODE_FLAGS: its manifest's container `args` before the
 * script (knative/base/<name>.yaml), written beside the bundle by the build so that the code cache
 * is made with them (shared/runtime/start.ts) and the tools start the bundle with them.
 */
export const NODE_FLAGS_FILE = 'node-flags.json';

/** The flags of the bundle in `dir`, one of `dist/<name>/`: NODE_FLAGS and its own. */
export function bundleNodeFlags(dir: string): string[] {
  return [...NODE_FLAGS, ...ownNodeFlags(dir)];
}

/** The bundle's own flags (NODE_FLAGS_FILE); none when the file is not there. */
export function ownNodeFlags(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(dir, NODE_FLAGS_FILE), 'utf8');
  } catch {
    return [];
  }
  const flags: unknown = JSON.parse(text);
  if (!Array.isArray(flags) || !flags.every((f) => typeof f === 'string' && f.startsWith('--')))
    throw new Error(`${join(dir, NODE_FLAGS_FILE)}: expected a list of --flags`);
  return flags as string[];
}
