import { nodeCrypto } from '../../shared/runtime/node-crypto';
import type { Db } from 'mongodb';
import {
  collections,
  insertOnce,
  type JobListDoc,
  type JobListKind,
} from '../../shared/store/index';

/** Ids per page: ~80 bytes each, far below the 16 MiB document limit at any list length. */
export const LIST_PAGE = 1000;

const headerId = (kind: JobListKind, jobId: string) => `${kind}|${jobId}`;
const pageId = (header: Pick<JobListDoc, 'kind' | 'jobId' | 'attempt'>, page: number) =>
  `${header.kind}|${header.jobId}|${header.attempt}|${page}`;

export interface StoredList {
  header: JobListDoc;
  ids: string[];
  /** This call's list is the job's (false: another delivery committed its own first). */
  won: boolean;
}

/** The committed list of `kind` for `jobId`, or null before one is committed. */
export async function readJobList(
  db: Db,
  kind: JobListKind,
  jobId: string,
): Promise<{ header: JobListDoc; ids: string[] } | null> {
  const header = await collections(db).plans.findOne({ _id: headerId(kind, jobId) });
  if (!header) return null;
  return { header, ids: await readPages(db, header) };
}

async function readPages(db: Db, header: JobListDoc): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 0; page < header.pages; page++) {
    const found = await collections(db).planPages.findOne({ _id: pageId(header, page) });
    if (!found) throw new Error(`page ${page} of ${header._id} is missing`);
    ids.push(...found.ids);
  }
  return ids;
}

/**
 * Commits `ids` as the list of `kind` for `jobId`, once: the pages first (under an attempt id of
 * this call's own), then the header as a unique insert. The delivery whose header lands first
 * wins; a loser deletes its pages and gets the winner's list.
 */
export async function storeJobList(
  db: Db,
  kind: JobListKind,
  jobId: string,
  ids: readonly string[],
): Promise<StoredList> {
  const { plans, planPages } = collections(db);
  const existing = await readJobList(db, kind, jobId);
  if (existing) return { ...existing, won: false };
  const header: JobListDoc = {
    _id: headerId(kind, jobId),
    jobId,
    kind,
    attempt: nodeCrypto().randomUUID(),
    pages: Math.ceil(ids.length / LIST_PAGE),
    count: ids.length,
    createdAt: new Date(),
  };
  const pages = Array.from({ length: header.pages }, (_, page) => ({
    _id: pageId(header, page),
    ids: ids.slice(page * LIST_PAGE, (page + 1) * LIST_PAGE),
  }));
  if (pages.length) await planPages.insertMany(pages, { ordered: false });
  if (await insertOnce(plans, header)) return { header, ids: [...ids], won: true };
  for (const page of pages) await planPages.deleteOne({ _id: page._id });
  const winner = await readJobList(db, kind, jobId);
  if (!winner) throw new Error(`the ${kind} list of ${jobId} vanished while being stored`);
  return { ...winner, won: false };
}
