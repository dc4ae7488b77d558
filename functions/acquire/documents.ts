import type { Db } from 'mongodb';
import { collections, insertOnce, type DocumentDoc } from '../../shared/store/index';

/**
 * Stores a document under its content hash: the first source to bring this text creates it, any
 * later one (another URL with the same text) is added to `sourceIds`. Both writes are idempotent,
 * so a redelivery changes nothing. Returns whether this call created the document.
 *
 * On FerretDB 1.x two `$addToSet`s racing on one document can lose one of the ids
 * (docs/ferretdb.md); the source's own `documentId` remains the authoritative link.
 */
export async function storeDocument(db: Db, doc: DocumentDoc): Promise<boolean> {
  const { documents } = collections(db);
  if (await insertOnce(documents, doc)) return true;
  await documents.updateOne(
    { _id: doc._id },
    { $addToSet: { sourceIds: { $each: doc.sourceIds } } },
  );
  return false;
}
