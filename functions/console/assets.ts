import * as z from '../../shared/zod/index';

/** Where the page's assets are served: one prefix, routed to this function at the edge. */
export const ASSET_PREFIX = '/console/';

/** One built file, served as is. */
export interface Asset {
  name: string;
  type: string;
  body: Buffer;
}

/** The files the page links, by their hashed names, and every asset by name. */
export interface AssetTable {
  script: string;
  style: string;
  icon: string;
  get(name: string): Asset | undefined;
}

const manifestSchema = z.object({
  entries: z.object({
    'main.js': z.string(),
    'main.css': z.string(),
    'favicon.svg': z.string(),
  }),
  files: z.array(
    z.object({
      name: z.string().check(z.regex(/^[A-Za-z0-9._-]+$/, 'must be a plain file name')),
      type: z.string().check(z.minLength(1)),
      base64: z.string(),
    }),
  ),
});

/**
 * The asset table of the embedded manifest. A manifest without the page's script, stylesheet or
 * icon stops the function at start, rather than serving a page that links to nothing.
 */
export function assetTable(manifest: unknown): AssetTable {
  const parsed = manifestSchema.safeParse(manifest);
  if (!parsed.success)
    throw new Error(`the embedded browser assets are unusable: ${parsed.error.message}`);
  const files = new Map(
    parsed.data.files.map((f) => [
      f.name,
      { name: f.name, type: f.type, body: Buffer.from(f.base64, 'base64') },
    ]),
  );
  const { entries } = parsed.data;
  for (const name of Object.values(entries)) {
    if (!files.has(name)) throw new Error(`the embedded browser assets lack ${name}`);
  }
  return {
    script: entries['main.js'],
    style: entries['main.css'],
    icon: entries['favicon.svg'],
    get: (name) => files.get(name),
  };
}
