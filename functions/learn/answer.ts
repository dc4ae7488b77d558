import type { Db } from 'mongodb';
import { setCachedAnswer } from '../../shared/cache/index';
import { EventType, makeEvent } from '../../shared/events/index';
import {
  CANDIDATE_LIMIT,
  composeAnswer,
  planAnswer,
  statsOf,
  type DocumentContribution,
  type SourceInfo,
} from '../../shared/knowledge/index';
import {
  answerToView,
  collections,
  insertOnce,
  latestAnswer,
  type AnswerDoc,
} from '../../shared/store/index';
import { SOURCE, type LearnDeps } from './deps';

/**
 * Plans and composes the answer from everything learned so far. The statistics are folded from
 * every learned document's stored contribution (one projection scan of `documents`), so they are
 * exact under any redelivery; the candidates are the top `CANDIDATE_LIMIT` passages by learn-time
 * score, so the ranking cost does not grow with the corpus.
 */
export async function computeAnswer(db: Db, deps: Pick<LearnDeps, 'query' | 'thresholds'>) {
  const { documents, passages } = collections(db);
  const learned = await documents
    .find({ learnedBy: { $exists: true } }, { projection: { contribution: 1 } })
    .toArray();
  const stats = statsOf(
    learned
      .filter(
        (d): d is typeof d & { contribution: DocumentContribution } => d.contribution !== undefined,
      )
      .map((d) => ({ documentId: d._id, contribution: d.contribution })),
  );
  const candidates = await passages
    .find({ score: { $gt: 0 } })
    .sort({ score: -1, _id: 1 })
    .limit(CANDIDATE_LIMIT)
    .toArray();
  const plan = planAnswer({ candidates, stats, query: deps.query(), thresholds: deps.thresholds });
  const cited = new Map<string, SourceInfo>();
  if (plan.status === 'answered') {
    const docs = await documents
      .find(
        { _id: { $in: [...plan.documentIds] } },
        { projection: { title: 1, url: 1, sourceIds: 1 } },
      )
      .toArray();
    const urls = await sourceUrls(
      db,
      docs.flatMap((d) => d.sourceIds.slice(0, 1)),
    );
    for (const d of docs) {
      const url = d.url ?? urls.get(d.sourceIds[0] ?? '');
      cited.set(d._id, url === undefined ? { title: d.title } : { title: d.title, url });
    }
  }
  return { fields: composeAnswer(plan, cited), stats };
}

/** The URLs of URL sources (raw text has none worth citing). */
async function sourceUrls(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await collections(db)
    .sources.find({ _id: { $in: ids }, kind: 'url' }, { projection: { url: 1 } })
    .toArray();
  return new Map(rows.map((r) => [r._id, r.url]));
}

/**
 * Stores the answer for `jobId` as the next version and returns it. A redelivered completion finds
 * the version it stored before (a unique index on `jobId` makes that hold even for two
 * concurrent deliveries). Versions are unique `_id`s: when two jobs finish together, the one
 * that loses the insert recomputes from fresher data and takes the next version, so the newest
 * version always includes everything learned before it was computed.
 */
export async function storeAnswer(
  db: Db,
  jobId: string,
  deps: Pick<LearnDeps, 'query' | 'thresholds'>,
): Promise<AnswerDoc> {
  const { answers } = collections(db);
  for (let attempt = 0; attempt < 20; attempt++) {
    // Checked on every attempt: a concurrent delivery of this job's completion may have won.
    const existing = await answers.findOne({ jobId });
    if (existing) return existing;
    const previous = await latestAnswer(db);
    const version = (previous?._id ?? 0) + 1;
    const { fields, stats } = await computeAnswer(db, deps);
    const doc: AnswerDoc = {
      _id: version,
      ...fields,
      knowledgeVersion: String(version),
      updatedAt: new Date(),
      jobId,
      stats,
    };
    // Unique on `_id` (the version) and on `jobId`: either conflict means "read again".
    if (await insertOnce(answers, doc)) return doc;
  }
  throw new Error(`could not store an answer version for ${jobId}: too many concurrent writers`);
}

/**
 * Writes the newest answer through to the cache. Another job may store a newer version while this
 * one writes, so it checks again afterwards and rewrites until the cache holds the newest (a stale
 * cache entry would otherwise live until its TTL).
 */
export async function cacheNewest(
  db: Db,
  deps: Pick<LearnDeps, 'cache' | 'cacheTtlSeconds'>,
): Promise<void> {
  let written: number | undefined;
  for (let i = 0; i < 5; i++) {
    const newest = await latestAnswer(db);
    if (!newest || newest._id === written) return;
    await setCachedAnswer(deps.cache, answerToView(newest), deps.cacheTtlSeconds);
    written = newest._id;
  }
}

/** Publishes `answer.updated` once per version (the id makes re-publishes duplicates). */
export const answerUpdated = (doc: AnswerDoc) =>
  makeEvent(
    EventType.AnswerUpdated,
    { version: doc._id, status: doc.status, confidence: doc.confidence },
    { source: SOURCE, id: `answer.updated:${doc._id}` },
  );
