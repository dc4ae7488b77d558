import { nodeCrypto } from '../../shared/runtime/node-crypto';
import type { Db, Filter } from 'mongodb';
import type { SourceView } from '../../shared/api/index';
import {
  collections,
  insertOnce,
  type SourceDoc,
  type SourceState,
} from '../../shared/store/index';

/** A source as the API shows it (`sourceView`). */
export const toView = (s: SourceDoc): SourceView => ({
  id: s._id,
  url: s.url,
  kind: s.kind,
  state: s.state,
  ...(s.reason ? { reason: s.reason } : {}),
  ...(s.documentId ? { documentId: s.documentId } : {}),
  ...(s.title ? { title: s.title } : {}),
  requestedAt: s.requestedAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

/**
 * A source's id is derived from its normalized URL, so registering the same page twice — even
 * concurrently, from two replicas — lands on the same document (`_id` is also FerretDB's one
 * indexed read path).
 */
export const sourceIdFor = (url: string) =>
  `src-${nodeCrypto().createHash('sha256').update(url).digest('hex').slice(0, 24)}`;

export type Registration =
  | { outcome: 'created' | 'requeued' | 'pending'; source: SourceDoc }
  | { outcome: 'known'; source: SourceDoc };

/**
 * Records a URL. New → `created`; failed before → back to `requested` (`requeued`); still on its
 * way → `pending` (the caller re-publishes; the event id is the same, so the broker drops it if the
 * first one arrived); acquired → `known`.
 */
export async function registerUrl(db: Db, url: string, now = new Date()): Promise<Registration> {
  const { sources } = collections(db);
  const id = sourceIdFor(url);
  const fresh: SourceDoc = {
    _id: id,
    url,
    kind: 'url',
    state: 'requested',
    requestedAt: now,
    updatedAt: now,
  };
  if (await insertOnce(sources, fresh)) return { outcome: 'created', source: fresh };
  const existing = await sources.findOne({ _id: id });
  if (!existing) throw new Error(`source ${id} vanished while being registered`);
  if (existing.state === 'acquired') return { outcome: 'known', source: existing };
  if (existing.state === 'failed') {
    const requeued: SourceDoc = {
      ...existing,
      state: 'requested',
      requestedAt: now,
      updatedAt: now,
    };
    delete requeued.reason;
    await sources.updateOne(
      { _id: id, state: 'failed' },
      { $set: { state: 'requested', requestedAt: now, updatedAt: now }, $unset: { reason: '' } },
    );
    return { outcome: 'requeued', source: requeued };
  }
  return { outcome: 'pending', source: existing };
}

/** A source whose request could not be published stays visible and can be PUT again. */
export async function markUnqueued(db: Db, id: string, reason: string): Promise<void> {
  await collections(db).sources.updateOne(
    { _id: id, state: 'requested' },
    { $set: { state: 'failed', reason, updatedAt: new Date() } },
  );
}

/** The event id of one request of a source: stable across re-publishes of that same request. */
export const requestEventId = (source: SourceDoc) =>
  `source.requested:${source._id}:${source.requestedAt.getTime()}`;

export const findSource = (db: Db, id: string) => collections(db).sources.findOne({ _id: id });

/** A page of sources; `next` is the last id given, still to be encoded as the cursor. */
export interface Page {
  items: SourceView[];
  next: string | null;
}

/** Sources in id order, optionally of one state, `limit` at a time after the opaque `cursor`. */
export async function listSources(
  db: Db,
  { state, limit, cursor }: { state?: SourceState; limit: number; cursor?: string },
): Promise<Page> {
  const filter: Filter<SourceDoc> = {};
  if (state) filter.state = state;
  if (cursor) filter._id = { $gt: cursor };
  const docs = await collections(db)
    .sources.find(filter)
    .sort({ _id: 1 })
    .limit(limit + 1)
    .toArray();
  const page = docs.slice(0, limit);
  return { items: page.map(toView), next: docs.length > limit ? page.at(-1)!._id : null };
}
