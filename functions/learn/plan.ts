import type { Db } from 'mongodb';
import { EventType, makeEvent } from '../../shared/events/index';
import { collections, insertOnce, type JobDoc, type PlanDoc } from '../../shared/store/index';
import { claimAll } from './claims';
import { SOURCE, learnClaim, waitClaim, type LearnDeps } from './deps';

/** Events per batch POST to the broker: well under its body limit at ~300 bytes an event. */
const BATCH = 200;

/**
 * Decides what a job covers, once: every document not yet learned and not held by another job,
 * and every URL source fed before the job was created that is still being fetched. Each is
 * claimed with a unique insert, so two concurrent jobs never share a document or a source. The
 * plan itself is a unique insert too: if two deliveries of the same `learning.requested` plan at
 * once, the first plan stored is the plan, and the other delivery releases what it claimed beyond
 * it.
 */
export async function planJob(db: Db, job: JobDoc): Promise<PlanDoc> {
  const { plans, sources, documents, claims } = collections(db);
  const existing = await plans.findOne({ _id: job._id });
  if (existing) return existing;

  // Sources first: a page acquired after this scan is also found by the document scan below, and
  // then the job simply counts both (each member once).
  const pending = await sources
    .find(
      {
        kind: 'url',
        state: { $in: ['requested', 'fetching'] },
        requestedAt: { $lte: job.createdAt },
      },
      { projection: { _id: 1, requestedAt: 1 } },
    )
    .toArray();
  await releaseStaleWaits(
    db,
    pending.map((s) => s._id),
  );
  const waits = await claimAll(
    db,
    pending.map((s) => waitClaim(s._id)),
    job._id,
  );
  const unlearned = await documents
    .find({ learnedBy: { $exists: false } }, { projection: { _id: 1, sourceIds: 1 } })
    .toArray();
  const learns = await claimAll(
    db,
    unlearned.map((d) => learnClaim(d._id)),
    job._id,
  );

  const planned = unlearned.map((d) => d._id).filter((id) => learns.has(learnClaim(id)));
  const waited = pending.map((s) => s._id).filter((id) => waits.has(waitClaim(id)));
  // A waited page whose document this plan already holds needs no wait (acquire stores the
  // document before it marks the source acquired, so look at both).
  const plannedSet = new Set(planned);
  const fedBy = new Set(unlearned.filter((d) => plannedSet.has(d._id)).flatMap((d) => d.sourceIds));
  const covered = [
    ...new Set([
      ...waited.filter((id) => fedBy.has(id)),
      ...(await coveredSources(db, waited, plannedSet)),
    ]),
  ];
  if (covered.length)
    await claims.deleteMany({ _id: { $in: covered.map(waitClaim) }, owner: job._id });
  const plan: PlanDoc = {
    _id: job._id,
    documents: planned.sort(),
    sources: waited.filter((id) => !covered.includes(id)).sort(),
    createdAt: new Date(),
  };
  if (await insertOnce(plans, plan)) return plan;
  const winner = (await plans.findOne({ _id: job._id }))!;
  const keep = new Set([...winner.documents.map(learnClaim), ...winner.sources.map(waitClaim)]);
  const extra = [...learns, ...waits].filter((id) => !keep.has(id));
  if (extra.length) await claims.deleteMany({ _id: { $in: extra }, owner: job._id });
  return winner;
}

/** Waited sources already acquired whose document is among `documents`. */
async function coveredSources(
  db: Db,
  sourceIds: string[],
  documents: Set<string>,
): Promise<string[]> {
  if (sourceIds.length === 0 || documents.size === 0) return [];
  const acquired = await collections(db)
    .sources.find({ _id: { $in: sourceIds }, state: 'acquired' }, { projection: { documentId: 1 } })
    .toArray();
  return acquired
    .filter((s) => s.documentId !== undefined && documents.has(s.documentId))
    .map((s) => s._id);
}

/**
 * A wait claim outlives its job (it keeps redelivered outcomes idempotent). A source fed again
 * after that job finished may be waited for by a new job: drop the finished job's claim first.
 */
async function releaseStaleWaits(db: Db, sourceIds: string[]): Promise<void> {
  if (sourceIds.length === 0) return;
  const { claims, jobs } = collections(db);
  const held = await claims.find({ _id: { $in: sourceIds.map(waitClaim) } }).toArray();
  if (held.length === 0) return;
  const owners = await jobs
    .find({ _id: { $in: [...new Set(held.map((c) => c.owner))] } }, { projection: { state: 1 } })
    .toArray();
  const finished = new Set(
    owners.filter((j) => j.state === 'succeeded' || j.state === 'failed').map((j) => j._id),
  );
  const stale = held.filter((c) => finished.has(c.owner)).map((c) => c._id);
  if (stale.length) await claims.deleteMany({ _id: { $in: stale } });
}

/** One `document.learn` per planned document, in batches; ids make re-publishes duplicates. */
export async function fanOut(plan: PlanDoc, emit: LearnDeps['emit']): Promise<void> {
  const events = plan.documents.map((documentId) =>
    makeEvent(
      EventType.DocumentLearn,
      { jobId: plan._id, documentId },
      { source: SOURCE, id: `document.learn:${plan._id}:${documentId}` },
    ),
  );
  for (let i = 0; i < events.length; i += BATCH) await emit(events.slice(i, i + BATCH));
}

/** A plan's member count: the fan-in completes when each has been counted once. */
export const planTotal = (plan: PlanDoc) => plan.documents.length + plan.sources.length;
