import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * How a function is started: registered with the Functions Framework as an HTTP or CloudEvent
 * function, or a standalone server (the broker) whose `index.ts` is its own entry point.
 */
export type Kind = 'http' | 'cloudevent' | 'standalone';

export interface FunctionSource {
  /** Folder name = Functions Framework target = bundle = image = Knative Service. */
  name: string;
  dir: string;
  entry: string;
  kind: Kind;
}

/**
 * One name everywhere (docs/architecture.md#components): lowercase, starts with a letter, at most
 * 63 characters (a DNS label).
 */
export const isValidName = (name: string) =>
  /^[a-z][a-z0-9-]{0,62}$/.test(name) && !name.endsWith('-');

const REGISTERS = /\b(http|cloudEvent)\s*(?:<[^>]*>)?\s*\(\s*(['"])([^'"]+)\2/g;

/**
 * Reads how `index.ts` registers its function. The name it registers must be the folder's name
 * (the Functions Framework target is the folder), and one index registers one function.
 */
export function kindOf(name: string, source: string): Kind {
  const registrations = [...source.matchAll(REGISTERS)].map((m) => ({
    kind: m[1]!,
    target: m[3]!,
  }));
  if (registrations.length === 0) return 'standalone';
  if (registrations.length > 1)
    throw new Error(
      `functions/${name}/index.ts registers ${registrations.length} functions; register exactly one`,
    );
  const [only] = registrations as [{ kind: string; target: string }];
  if (only.target !== name) {
    throw new Error(
      `functions/${name}/index.ts registers "${only.target}"; the target must be the folder name "${name}"`,
    );
  }
  return only.kind === 'http' ? 'http' : 'cloudevent';
}

/** Every `functions/<name>/index.ts`, sorted by name. */
export async function discoverFunctions(root: string): Promise<FunctionSource[]> {
  const base = join(root, 'functions');
  const names = (await readdir(base).catch(() => [] as string[])).sort();
  const found: FunctionSource[] = [];
  for (const name of names) {
    const dir = join(base, name);
    if (!(await stat(dir)).isDirectory()) continue;
    const entry = join(dir, 'index.ts');
    const source = await readFile(entry, 'utf8').catch(() => undefined);
    if (source === undefined) continue;
    if (!isValidName(name))
      throw new Error(
        `functions/${name}: a function's name must be lowercase, start with a letter and have at most 63 characters`,
      );
    found.push({ name, dir, entry, kind: kindOf(name, source) });
  }
  return found;
}
