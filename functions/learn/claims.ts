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

/** How long a job may hold claims without having committed its list (planning takes seconds). */
export const UNCOMMITTED_CLAIM_MS = 15 * 60_000;

/**
 * Releases claims among `ids` whose owner can no longer use them, so that they never block a later
 * job: the owner job has finished, is gone, or has held them for UNCOMMITTED_CLAIM_MS without
 * committing the list they belong to (its planning failed for good, e.g. dead-lettered).
 */
export async function releaseStaleClaims(
  db: Db,
  ids: readonly string[],
  committed: (jobId: string) => Promise<boolean>,
  now = Date.now(),
): Promise<void> {
  if (ids.length === 0) return;
  const { claims, jobs } = collections(db);
  const held = await claims.find({ _id: { $in: [...ids] } }).toArray();
  if (held.length === 0) return;
  const owners = [...new Set(held.map((c) => c.owner))];
  const states = new Map(
    (await jobs.find({ _id: { $in: owners } }, { projection: { state: 1 } }).toArray()).map((j) => [
      j._id,
      j.state,
    ]),
  );
  const stale = new Set<string>();
  for (const owner of owners) {
    const state = states.get(owner);
    if (state === undefined || state === 'succeeded' || state === 'failed') stale.add(owner);
  }
  for (const c of held) {
    if (stale.has(c.owner)) continue;
    if (now - c.at.getTime() > UNCOMMITTED_CLAIM_MS && !(await committed(c.owner)))
      stale.add(c.owner);
  }
  for (const owner of stale) {
    const ids = held.filter((c) => c.owner === owner).map((c) => c._id);
    // With the owner in the filter: a claim released and taken by another job meanwhile stays.
    await claims.deleteMany({ _id: { $in: ids }, owner });
  }
}

/** Releases claims `owner` took beyond those in `keep` (it lost the race to commit its list). */
export async function releaseExtra(
  db: Db,
  owner: string,
  taken: Iterable<string>,
  keep: ReadonlySet<string>,
): Promise<void> {
  const extra = [...taken].filter((id) => !keep.has(id));
  if (extra.length) await collections(db).claims.deleteMany({ _id: { $in: extra }, owner });
}
