import type { Db, IndexDescription } from 'mongodb';
import { once } from '../runtime/lazy';
import { isDuplicateKey } from './errors';
import { CollectionName } from './collections';

/** Every index (docs/architecture.md#data-model) by collection; `_id` is unique and indexed. */
const indexes: Record<string, IndexDescription[]> = {
  [CollectionName.sources]: [
    { key: { url: 1 }, name: 'url_unique', unique: true },
    { key: { state: 1, _id: 1 }, name: 'state_id' },
  ],
  // documents: `_id` is the content hash, which makes it the unique content-hash index.
  [CollectionName.passages]: [
    { key: { documentId: 1 }, name: 'documentId' },
    { key: { terms: 1 }, name: 'terms_multikey' },
    { key: { score: -1 }, name: 'score_desc' },
  ],
  [CollectionName.jobs]: [{ key: { state: 1, createdAt: 1 }, name: 'state_createdAt' }],
  // One answer version per learning job, even when its completion is delivered twice at once.
  [CollectionName.answers]: [{ key: { jobId: 1 }, name: 'jobId_unique', unique: true }],
  [CollectionName.processedEvents]: [
    { key: { expiresAt: 1 }, name: 'expiresAt_ttl', expireAfterSeconds: 0 },
  ],
  [CollectionName.fanIn]: [{ key: { key: 1 }, name: 'key' }],
};
export const INDEXES: Readonly<Record<string, readonly IndexDescription[]>> =
  Object.freeze(indexes);

export interface IndexReport {
  /** 'native' when the server expires markers by itself; 'sweep' when sweepExpired() must. */
  ttl: 'native' | 'sweep';
}

const unsupportedTtl = (err: unknown) => /expireAfterSeconds/i.test((err as Error)?.message ?? '');

/**
 * Creates every index (idempotent: existing ones are left alone). FerretDB 1.x does not implement
 * TTL indexes; there the expiry field gets a plain index and expired markers are swept instead.
 */
export async function ensureIndexes(db: Db): Promise<IndexReport> {
  let ttl: IndexReport['ttl'] = 'native';
  for (const [name, specs] of Object.entries(INDEXES)) {
    const collection = db.collection(name);
    for (const spec of specs) {
      const { key, ...options } = spec;
      try {
        await collection.createIndex(key, options);
      } catch (err) {
        if (!(options.expireAfterSeconds !== undefined && unsupportedTtl(err))) throw err;
        ttl = 'sweep';
        const { expireAfterSeconds: _ignored, ...plain } = options;
        await collection.createIndex(key, { ...plain, name: `${String(options.name)}_plain` });
      }
    }
  }
  return { ttl };
}

/**
 * The version of INDEXES: what `ensureIndexesOnce` records once the indexes exist. The list itself
 * (~0.5 KB): exact, and no hash to compute, whose node:crypto a function's first write would load.
 */
export const indexVersion = once((): string => JSON.stringify(INDEXES));

const META = '_multivac';

/**
 * Ensures the indexes once per database and index version rather than on every cold start (11
 * `createIndexes` cost ~28 ms; one read of this record costs one round trip): a record in
 * `_multivac` says which version of INDEXES the database has. A new version creates what is new
 * (`createIndex` leaves existing ones alone) and records itself.
 */
export async function ensureIndexesOnce(db: Db): Promise<IndexReport | undefined> {
  const meta = db.collection<{ _id: string; version: string; ttl: IndexReport['ttl'] }>(META);
  const recorded = await meta.findOne({ _id: 'indexes' });
  if (recorded?.version === indexVersion()) return undefined;
  const report = await ensureIndexes(db);
  await meta
    .updateOne(
      { _id: 'indexes' },
      { $set: { version: indexVersion(), ttl: report.ttl } },
      { upsert: true },
    )
    .catch((err: unknown) => {
      // Another process recorded it at the same moment (an upsert race): that is the same record.
      if (!isDuplicateKey(err)) throw err;
    });
  return report;
}
