import type { Db } from 'mongodb';
import { EventType, makeEvent } from '../../shared/events/index';
import { collections, type JobDoc } from '../../shared/store/index';
import { claimAll, releaseExtra, releaseStaleClaims } from './claims';
import { SOURCE, learnClaim, type LearnDeps } from './deps';
import { readJobList, storeJobList } from './job-list';

/** `document.learn` events per batch POST to the broker: well under its body limit. */
const EVENTS_PER_POST = 50;

/**
 * The documents a job learns, decided once its waited sources have settled: every document not
 * yet learned and not held by another job, each claimed with `learn|<document>` (a unique insert,
 * so two concurrent jobs never share a document). Committed once, as a job list; a redelivery
 * gets the committed plan and a loser of the race releases what it claimed beyond it.
 */
export async function planDocuments(db: Db, job: JobDoc): Promise<string[]> {
  const existing = await readJobList(db, 'plan', job._id);
  if (existing) return existing.ids;
  const unlearned = await collections(db)
    .documents.find({ learnedBy: { $exists: false } }, { projection: { _id: 1 } })
    .toArray();
  const ids = unlearned.map((d) => learnClaim(d._id));
  await releaseStaleClaims(
    db,
    ids,
    async (owner) => (await readJobList(db, 'plan', owner)) !== null,
  );
  const held = await claimAll(db, ids, job._id);
  const planned = unlearned
    .map((d) => d._id)
    .filter((id) => held.has(learnClaim(id)))
    .sort();
  const stored = await storeJobList(db, 'plan', job._id, planned);
  if (!stored.won) await releaseExtra(db, job._id, held, new Set(stored.ids.map(learnClaim)));
  return stored.ids;
}

/**
 * One `document.learn` per `batchSize` planned documents, carrying the job's total so that no
 * learner has to read the plan; ids are the job and the batch's place, so a re-publish is a
 * duplicate the broker drops.
 */
export async function fanOut(
  jobId: string,
  documents: readonly string[],
  total: number,
  { emit, batchSize }: Pick<LearnDeps, 'emit' | 'batchSize'>,
): Promise<void> {
  const events = [];
  for (let i = 0; i < documents.length; i += batchSize) {
    events.push(
      makeEvent(
        EventType.DocumentLearn,
        { jobId, documentIds: documents.slice(i, i + batchSize), total },
        { source: SOURCE, id: `document.learn:${jobId}:${i / batchSize}` },
      ),
    );
  }
  for (let i = 0; i < events.length; i += EVENTS_PER_POST)
    await emit(events.slice(i, i + EVENTS_PER_POST));
}
