import type { Db } from 'mongodb';
import { collections, type FanInDoc } from './collections';
import { onlyDuplicates } from './errors';

type FanInFact = Pick<FanInDoc, 'member' | 'outcome'>;

/**
 * Records members of the fan-in `key` as facts, one insert-only document each (`_id` =
 * `<key>|<member>`, so a member recorded twice is one fact): the durable record a lost count is
 * rebuilt from. One round trip for any number of members.
 */
export async function recordFacts(db: Db, key: string, facts: readonly FanInFact[]): Promise<void> {
  if (facts.length === 0) return;
  const at = new Date();
  try {
    await collections(db).fanIn.insertMany(
      facts.map(({ member, outcome }) => ({ _id: `${key}|${member}`, key, member, outcome, at })),
      { ordered: false },
    );
  } catch (err) {
    if (!onlyDuplicates(err)) throw err;
  }
}

/** Every fact recorded for `key` (a scan on servers without secondary indexes: rebuilds only). */
export async function readFacts(db: Db, key: string): Promise<FanInFact[]> {
  const rows = await collections(db)
    .fanIn.find({ key }, { projection: { member: 1, outcome: 1 } })
    .toArray();
  return rows.map((r) => ({ member: r.member, outcome: r.outcome }));
}

/** Members counted towards `key`, by outcome, from the facts. */
export async function factCounts(db: Db, key: string): Promise<{ done: number; failed: number }> {
  const facts = await readFacts(db, key);
  const failed = facts.filter((f) => f.outcome === 'failed').length;
  return { done: facts.length - failed, failed };
}

/** Drops the facts of a finished fan-in. */
export async function clearFanIn(db: Db, key: string): Promise<void> {
  await collections(db).fanIn.deleteMany({ key });
}
