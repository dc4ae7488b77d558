import type { Db } from 'mongodb';
import { analyzeDocument, type Query } from '../../shared/knowledge/index';
import {
  collections,
  onlyDuplicates,
  type DocumentDoc,
  type PassageDoc,
} from '../../shared/store/index';

/**
 * Learns documents for `jobId`, a slice at a time: every passage (insert-only, `_id` =
 * `<documentId>:<index>`, so a redelivery inserts nothing new), then each document's contribution
 * to the corpus statistics, which marks it learned. A crash in between only means the retry redoes
 * the same writes. Documents already learned are left alone. The updates are by `_id` alone, the
 * one filter FerretDB serves from an index.
 */
export async function learnDocuments(
  db: Db,
  docs: readonly Pick<DocumentDoc, '_id' | 'title' | 'text' | 'learnedBy'>[],
  jobId: string,
  query: Query,
): Promise<number> {
  const fresh = docs.filter((d) => !d.learnedBy);
  for (let i = 0; i < fresh.length; i += DOCUMENTS_PER_SLICE)
    await learnSlice(db, fresh.slice(i, i + DOCUMENTS_PER_SLICE), jobId, query);
  return fresh.length;
}

/**
 * Documents analysed and written together. A slice's analyses (passages, their terms and term
 * frequencies) and the insert command that carries them are what a delivery holds at its peak:
 * with the whole batch of 50 at once, three deliveries kept learn's live heap 9 MiB above its
 * idle size. A slice is also one update command (`UPDATES_PER_COMMAND`), so slicing costs one
 * insert per slice instead of one per batch.
 */
export const DOCUMENTS_PER_SLICE = 10;

async function learnSlice(
  db: Db,
  docs: readonly Pick<DocumentDoc, '_id' | 'title' | 'text'>[],
  jobId: string,
  query: Query,
): Promise<void> {
  const { passages, documents } = collections(db);
  const analysed = docs.map((doc) => ({
    doc,
    analysis: analyzeDocument(doc.text, { title: doc.title, query }),
  }));
  const rows: PassageDoc[] = analysed.flatMap(({ doc, analysis }) =>
    analysis.passages.map((p) => ({
      _id: `${doc._id}:${p.index}`,
      documentId: doc._id,
      index: p.index,
      text: p.text,
      terms: [...p.terms],
      tf: { ...p.tf },
      length: p.length,
      score: p.score,
    })),
  );
  if (rows.length > 0) {
    try {
      await passages.insertMany(rows, { ordered: false });
    } catch (err) {
      if (!onlyDuplicates(err)) throw err;
    }
  }
  const learnedAt = new Date();
  const updates = analysed.map(({ doc, analysis }) => ({
    updateOne: {
      filter: { _id: doc._id },
      update: { $set: { learnedBy: jobId, learnedAt, contribution: analysis.contribution } },
    },
  }));
  for (let i = 0; i < updates.length; i += UPDATES_PER_COMMAND)
    await documents.bulkWrite(updates.slice(i, i + UPDATES_PER_COMMAND), { ordered: false });
}

/**
 * FerretDB 1.24 keeps every statement's cursor of one `update` command open until the command
 * ends, on one pool of 100 SQLite connections for the whole server: a command of 100 statements
 * deadlocks on its own, and eight concurrent commands of 50 deadlock together (docs/ferretdb.md;
 * test/integration/learn-documents.test.ts). Commands of 10 need ten batches in the same instant
 * to fill the pool, where learn runs three deliveries per instance; MongoDB itself has no such
 * limit. A batch of 50 costs five round trips instead of one.
 */
export const UPDATES_PER_COMMAND = 10;
