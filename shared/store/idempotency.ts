import type { Collection, Db, Document, Filter, OptionalUnlessRequiredId } from 'mongodb';
import { collections } from './collections';
import { isDuplicateKey } from './errors';

/**
 * Inserts `doc` unless a document matching `filter` exists; reports whether this call created it.
 * Two racing upserts can both miss and one then fails on the unique index (MongoDB and FerretDB
 * alike): that loser simply reports "not created".
 */
export async function upsertByKey<T extends Document>(
  collection: Collection<T>,
  filter: Filter<T>,
  doc: Partial<T>,
): Promise<{ created: boolean }> {
  try {
    const result = await collection.updateOne(filter, { $setOnInsert: doc } as never, {
      upsert: true,
    });
    return { created: result.upsertedCount === 1 };
  } catch (err) {
    if (isDuplicateKey(err)) return { created: false };
    throw err;
  }
}

/**
 * Inserts a document whose `_id` makes it unique; false when it already existed. Plain inserts
 * are the one write that is atomic on every MongoDB-wire server MultiVAC supports (FerretDB 1.x
 * loses concurrent updates to one document; see docs/ferretdb.md), so claims and facts use it.
 */
export async function insertOnce<T extends Document>(
  collection: Collection<T>,
  doc: OptionalUnlessRequiredId<T>,
): Promise<boolean> {
  try {
    await collection.insertOne(doc);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Whether `consumer` already handled the event `source` + `id` (markers expire after their TTL). */
export async function wasProcessed(db: Db, key: string): Promise<boolean> {
  const marker = await collections(db).processedEvents.findOne({ _id: key });
  return marker !== null && marker.expiresAt.getTime() > Date.now();
}

/**
 * Records that an event was handled; true for the first caller only. Call it after the
 * (idempotent) work is done: a crash in between then means a harmless redo, never a lost event.
 */
export async function markProcessed(
  db: Db,
  key: string,
  ttlSeconds = 7 * 24 * 3600,
): Promise<boolean> {
  return insertOnce(collections(db).processedEvents, {
    _id: key,
    expiresAt: new Date(Date.now() + ttlSeconds * 1000),
  });
}

/** The marker key of an event for one consumer: CloudEvents are unique by `source` + `id`. */
export const eventKey = (consumer: string, event: { source: string; id: string }) =>
  `${consumer}|${event.source}|${event.id}`;

/** Deletes expired markers where the server has no TTL indexes; returns how many. */
export async function sweepExpired(db: Db, now = new Date()): Promise<number> {
  const result = await collections(db).processedEvents.deleteMany({ expiresAt: { $lt: now } });
  return result.deletedCount;
}
