import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/** One exact edit of a package's file: `from` must match once, and becomes `to`. */
export interface Edit {
  what: string;
  from: RegExp;
  to: string;
}

/**
 * `source` (the file `file`, named in errors) with every edit made; throws naming the first that
 * does not match exactly once, so that a package that changed stops the build instead of being
 * patched blindly.
 */
export function applyEdits(file: string, source: string, edits: readonly Edit[]): string {
  let out = source;
  for (const { what, from, to } of edits) {
    const matches = out.match(new RegExp(from.source, `${from.flags}g`))?.length ?? 0;
    if (matches !== 1)
      throw new Error(
        `${file}: ${what} found ${matches} times, expected once; review the edit against the new package`,
      );
    out = out.replace(from, to);
  }
  return out;
}

/** An esbuild plugin that bundles each file matching a filter with its edits made. */
export function sourceEditsPlugin(
  name: string,
  files: readonly { file: RegExp; label: string; edits: readonly Edit[] }[],
): Plugin {
  return {
    name,
    setup(b) {
      for (const { file, label, edits } of files)
        b.onLoad({ filter: file }, async (args) => ({
          contents: applyEdits(label, await readFile(args.path, 'utf8'), edits),
          loader: 'js',
        }));
    },
  };
}
