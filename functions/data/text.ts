import type { Db } from 'mongodb';
import { contentHash, normalizeText } from '../../shared/extract/index';
import { collections, insertOnce, type SourceDoc } from '../../shared/store/index';

const TITLE_LENGTH = 80;

/** A title for raw text: its first line, cut at a word boundary. */
export function titleOf(text: string): string {
  const line = text.split('\n', 1)[0]!.trim();
  if (line.length <= TITLE_LENGTH) return line;
  const cut = line.slice(0, TITLE_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_LENGTH / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * Adds raw text (`POST /multivac/data`, the original app's way) as a document that the next
 * learning job picks up. The document id is the content hash and the source id derives from it,
 * so posting the same text twice changes nothing; both writes are unique inserts, which retry
 * safely.
 */
export async function addText(
  db: Db,
  raw: string,
  now = new Date(),
): Promise<{ created: boolean; source: SourceDoc }> {
  const text = normalizeText(raw);
  const hash = contentHash(text);
  const id = `txt-${hash.slice(0, 24)}`;
  const title = titleOf(text);
  const { documents, sources } = collections(db);
  await insertOnce(documents, { _id: hash, sourceIds: [id], title, text, createdAt: now });
  const source: SourceDoc = {
    _id: id,
    url: `text:${hash}`,
    kind: 'text',
    state: 'acquired',
    documentId: hash,
    title,
    requestedAt: now,
    updatedAt: now,
  };
  if (await insertOnce(sources, source)) return { created: true, source };
  const existing = await sources.findOne({ _id: id });
  return { created: false, source: existing ?? source };
}
