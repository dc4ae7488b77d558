import type { Db } from 'mongodb';
import { collections } from './collections';
import { insertOnce } from './idempotency';

export interface FanInResult {
  /** This call counted `member` (false for a duplicate). */
  counted: boolean;
  /** Members counted so far, this one included. */
  count: number;
  /**
   * This member completed the fan-in and owns the follow-up work. Exactly one member ever gets
   * true — and it keeps getting true on redeliveries of its own event, so a finisher that crashed
   * half-way is finished by its retry.
   */
  last: boolean;
}

/**
 * Counts `member` once towards `key` and tells whether it completed `total`.
 *
 * MongoDB could do this with one `findOneAndUpdate` ($addToSet + $inc, "last" read from the
 * returned document), but FerretDB 1.x applies concurrent updates to one document without
 * isolation and loses increments. Unique inserts are atomic everywhere, so: insert a fact per
 * member, count the facts, and let whoever sees the count complete claim the finish with one more
 * unique insert. The count happens after the member's own insert, so the member that completes
 * the set always sees it; the claim makes the winner unique.
 */
export async function fanIn(
  db: Db,
  key: string,
  member: string,
  total: number,
  outcome: 'done' | 'failed' = 'done',
): Promise<FanInResult> {
  const { fanIn: facts, claims } = collections(db);
  const counted = await insertOnce(facts, {
    _id: `${key}|${member}`,
    key,
    member,
    outcome,
    at: new Date(),
  });
  const count = await facts.countDocuments({ key });
  if (count < total) return { counted, count, last: false };
  const claimId = `fan-in|${key}`;
  if (await insertOnce(claims, { _id: claimId, owner: member, at: new Date() }))
    return { counted, count, last: true };
  const claim = await claims.findOne({ _id: claimId });
  return { counted, count, last: claim?.owner === member };
}

/** Members counted so far towards `key`. */
export const fanInCount = (db: Db, key: string) => collections(db).fanIn.countDocuments({ key });

/** Members counted so far towards `key`, by outcome (one read of the facts). */
export async function fanInCounts(db: Db, key: string): Promise<{ done: number; failed: number }> {
  const facts = await collections(db)
    .fanIn.find({ key }, { projection: { outcome: 1 } })
    .toArray();
  const failed = facts.filter((f) => f.outcome === 'failed').length;
  return { done: facts.length - failed, failed };
}

/** Drops the facts of a finished fan-in (keeps counts cheap on servers that scan). */
export async function clearFanIn(db: Db, key: string): Promise<void> {
  await collections(db).fanIn.deleteMany({ key });
}
