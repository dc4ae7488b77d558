import { createHash } from 'node:crypto';
import type { Db, Document } from 'mongodb';

/** What {@link storedDigests} covers. */
export interface DigestOptions {
  /** The collections; default every collection of the database. */
  names?: readonly string[];
  /** Per collection, documents left out (a filter they match), e.g. markers a test adds on purpose. */
  exclude?: Readonly<Record<string, Document>>;
}

/**
 * A SHA-256 digest per collection of every document in it, in `_id` order, to compare what is
 * stored before and after something that must change nothing: a refused request, a duplicate
 * delivery. Compared as a record, a mismatch names the collection that changed.
 */
export async function storedDigests(
  db: Db,
  { names, exclude = {} }: DigestOptions = {},
): Promise<Record<string, string>> {
  const all =
    names ?? (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  const digests: Record<string, string> = {};
  for (const name of [...all].sort()) {
    const filter = exclude[name] ? { $nor: [exclude[name]] } : {};
    const docs = await db.collection(name).find(filter).sort({ _id: 1 }).toArray();
    digests[name] = createHash('sha256')
      .update(`${docs.length}:${JSON.stringify(docs)}`)
      .digest('hex');
  }
  return digests;
}

/** One string for the `names` collections' digests: equal before and after means nothing changed. */
export const snapshot = async (db: Db, names: readonly string[]): Promise<string> =>
  JSON.stringify(await storedDigests(db, { names }));
