import type { Db } from 'mongodb';
import { collections, insertOnce, onlyDuplicates } from '../../shared/store/index';

/**
 * Claims each id for `owner` with one unique insert per id (batched, unordered) and returns the
 * ids that `owner` holds afterwards: those it just inserted and those it had claimed before (a
 * redelivered plan). Unique inserts are the one write FerretDB 1.x applies atomically, so two jobs
 * racing for a document never both get it.
 */
export async function claimAll(
  db: Db,
  ids: readonly string[],
  owner: string,
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { claims } = collections(db);
  const at = new Date();
  try {
    await claims.insertMany(
      ids.map((id) => ({ _id: id, owner, at })),
      { ordered: false },
    );
  } catch (err) {
    if (!onlyDuplicates(err)) throw err;
  }
  const held = await claims
    .find({ _id: { $in: [...ids] } }, { projection: { owner: 1 } })
    .toArray();
  return new Set(held.filter((c) => c.owner === owner).map((c) => c._id));
}

/** Claims one id for `owner`: true if `owner` holds it afterwards. */
export async function claim(db: Db, id: string, owner: string, at = new Date()): Promise<boolean> {
  const { claims } = collections(db);
  if (await insertOnce(claims, { _id: id, owner, at })) return true;
  return (await claims.findOne({ _id: id }))?.owner === owner;
}
