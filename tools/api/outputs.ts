import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { EVENTS_DIR, eventCatalogue } from './events';
import { openApiDocument } from './openapi';
import { README_FILE, eventTable, withEventTable } from './readme';

/** The OpenAPI document, relative to the repository root. */
export const OPENAPI_FILE = 'docs/api/openapi.json';

/** One file `npm run api` writes, relative to the repository root. */
export interface Output {
  path: string;
  content: string;
}

/** Formatted as `npm run format` would, so `prettier --check` agrees with the generator. */
async function pretty(root: string, path: string, text: string): Promise<string> {
  const options = (await resolveConfig(join(root, path))) ?? {};
  return format(text, { ...options, filepath: join(root, path) });
}

/**
 * Everything generated from the zod schemas: the OpenAPI document, one JSON Schema per event
 * type, and the README with its event table.
 */
export async function apiOutputs(root: string): Promise<Output[]> {
  const catalogue = eventCatalogue(root);
  const files: Output[] = [
    { path: OPENAPI_FILE, content: JSON.stringify(openApiDocument(root)) },
    ...catalogue.map((e) => ({ path: e.file, content: JSON.stringify(e.schema) })),
    {
      path: README_FILE,
      content: withEventTable(readFileSync(join(root, README_FILE), 'utf8'), eventTable(catalogue)),
    },
  ];
  return Promise.all(
    files.map(async ({ path, content }) => ({ path, content: await pretty(root, path, content) })),
  );
}

/** How the repository differs from what the generator writes now. */
export interface Drift {
  outputs: Output[];
  /** Files whose committed content differs from the generated one (or that are missing). */
  changed: string[];
  /** Files in the event catalogue's folder that no event type generates any more. */
  stale: string[];
}

export async function drift(root: string): Promise<Drift> {
  const outputs = await apiOutputs(root);
  const current = (path: string) =>
    existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined;
  const wanted = new Set(outputs.map((o) => o.path));
  return {
    outputs,
    changed: outputs.filter((o) => current(o.path) !== o.content).map((o) => o.path),
    stale: existsSync(join(root, EVENTS_DIR))
      ? readdirSync(join(root, EVENTS_DIR))
          .map((name) => `${EVENTS_DIR}/${name}`)
          .filter((path) => !wanted.has(path))
      : [],
  };
}
