import type { Db } from 'mongodb';
import { analyzeDocument, type Query } from '../../shared/knowledge/index';
import {
  collections,
  onlyDuplicates,
  type DocumentDoc,
  type PassageDoc,
} from '../../shared/store/index';

/**
 * Learns one document for `jobId`: its passages (insert-only, `_id` = `<documentId>:<index>`, so a
 * redelivery inserts nothing new) and then its contribution to the corpus statistics, which marks
 * it learned. A crash in between only means the retry redoes the same inserts. A document already
 * learned is left alone: false.
 */
export async function learnDocument(
  db: Db,
  doc: DocumentDoc,
  jobId: string,
  query: Query,
): Promise<boolean> {
  if (doc.learnedBy) return false;
  const { passages, documents } = collections(db);
  const analysis = analyzeDocument(doc.text, { title: doc.title, query });
  const rows: PassageDoc[] = analysis.passages.map((p) => ({
    _id: `${doc._id}:${p.index}`,
    documentId: doc._id,
    index: p.index,
    text: p.text,
    terms: [...p.terms],
    tf: { ...p.tf },
    length: p.length,
    score: p.score,
  }));
  if (rows.length > 0) {
    try {
      await passages.insertMany(rows, { ordered: false });
    } catch (err) {
      if (!onlyDuplicates(err)) throw err;
    }
  }
  await documents.updateOne(
    { _id: doc._id },
    { $set: { learnedBy: jobId, learnedAt: new Date(), contribution: analysis.contribution } },
  );
  return true;
}
