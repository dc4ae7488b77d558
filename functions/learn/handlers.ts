import type { Db } from 'mongodb';
import type { EventData } from '../../shared/events/index';
import type { EventType } from '../../shared/events/index';
import type { Handled } from '../../shared/runtime/index';
import {
  collections,
  fanIn,
  jobFanInKey,
  type JobDoc,
  type PlanDoc,
} from '../../shared/store/index';
import { claim } from './claims';
import {
  documentMember,
  learnClaim,
  sourceMember,
  waitClaim,
  type LearnDeps,
  type Log,
} from './deps';
import { finishJob } from './finish';
import { learnDocument } from './learn-document';
import { fanOut, planJob, planTotal } from './plan';

const finished = (job: JobDoc) => job.state === 'succeeded' || job.state === 'failed';

/** `learning.requested`: plan the job, fan out its documents, and finish it at once if empty. */
export async function onLearningRequested(
  { jobId }: EventData<typeof EventType.LearningRequested>,
  deps: LearnDeps,
  log: Log,
): Promise<Handled> {
  const db = await deps.db();
  const { jobs, sources } = collections(db);
  const job = await jobs.findOne({ _id: jobId });
  if (!job) {
    log.warn({ jobId }, 'no such job; acknowledged');
    return 'duplicate';
  }
  if (finished(job)) return 'duplicate';
  const plan = await planJob(db, job);
  const total = planTotal(plan);
  await jobs.updateOne(
    { _id: jobId, state: { $in: ['queued', 'running'] } },
    { $set: { state: 'running', startedAt: job.startedAt ?? new Date(), total } },
  );
  log.info(
    { jobId, documents: plan.documents.length, sources: plan.sources.length },
    'learning job planned',
  );
  await fanOut(plan, deps.emit);
  if (total === 0) {
    await finishJob(db, jobId, 0, deps, log);
    return 'ok';
  }
  // A waited source may have finished before its wait was claimed (its event then found no job
  // waiting): resolve those here; the fan-in counts each member once either way.
  if (plan.sources.length) {
    const settled = await sources
      .find(
        { _id: { $in: plan.sources }, state: { $in: ['acquired', 'failed'] } },
        { projection: { _id: 1 } },
      )
      .toArray();
    for (const { _id } of settled) await resolveSource(db, job, plan, _id, deps, log);
  }
  return 'ok';
}

/** `document.learn`: learn one document of a job and count it; the last one finishes the job. */
export async function onDocumentLearn(
  { jobId, documentId }: EventData<typeof EventType.DocumentLearn>,
  deps: LearnDeps,
  log: Log,
): Promise<Handled> {
  const db = await deps.db();
  const { jobs, plans, documents } = collections(db);
  const job = await jobs.findOne({ _id: jobId });
  if (!job) {
    log.warn({ jobId }, 'no such job; acknowledged');
    return 'duplicate';
  }
  if (finished(job)) return 'duplicate';
  const plan = await plans.findOne({ _id: jobId });
  if (!plan || !plan.documents.includes(documentId)) {
    log.warn({ jobId, documentId }, 'document is not part of the job; acknowledged');
    return 'duplicate';
  }
  const doc = await documents.findOne({ _id: documentId });
  if (doc) await learnDocument(db, doc, jobId, deps.query);
  else log.warn({ documentId }, 'document vanished; counted as failed');
  const counted = await fanIn(
    db,
    jobFanInKey(jobId),
    documentMember(documentId),
    planTotal(plan),
    doc ? 'done' : 'failed',
  );
  if (counted.last) await finishJob(db, jobId, planTotal(plan), deps, log);
  return counted.counted ? 'ok' : 'duplicate';
}

/**
 * `source.acquired` / `source.failed`: if a running job waits for this source, learn its document
 * for that job (unless another job holds it) and count it. Thrown while the job's plan is not yet
 * stored, so the broker retries until it is.
 */
export async function onSourceOutcome(
  { sourceId }: { sourceId: string },
  deps: LearnDeps,
  log: Log,
): Promise<Handled> {
  const db = await deps.db();
  const { claims, jobs, plans } = collections(db);
  const wait = await claims.findOne({ _id: waitClaim(sourceId) });
  if (!wait) return 'duplicate';
  const job = await jobs.findOne({ _id: wait.owner });
  if (!job || finished(job)) return 'duplicate';
  const plan = await plans.findOne({ _id: job._id });
  if (!plan)
    throw new Error(`job ${job._id} waits for ${sourceId} but has not stored its plan yet`);
  if (!plan.sources.includes(sourceId)) return 'duplicate';
  return resolveSource(db, job, plan, sourceId, deps, log);
}

async function resolveSource(
  db: Db,
  job: JobDoc,
  plan: PlanDoc,
  sourceId: string,
  deps: LearnDeps,
  log: Log,
): Promise<Handled> {
  const { sources, documents } = collections(db);
  const source = await sources.findOne({ _id: sourceId });
  let outcome: 'done' | 'failed';
  if (source?.state === 'acquired' && source.documentId) {
    outcome = 'done';
    const doc = await documents.findOne({ _id: source.documentId });
    // Another job may hold the document: it learns it; this one only stops waiting.
    if (doc && (await claim(db, learnClaim(doc._id), job._id)))
      await learnDocument(db, doc, job._id, deps.query);
  } else if (!source || source.state === 'failed' || source.requestedAt > job.createdAt) {
    // Failed, gone, or fed again after this job started (only failed sources are re-queued).
    outcome = 'failed';
  } else {
    log.info({ sourceId, state: source.state }, 'source still on its way; this event is stale');
    return 'duplicate';
  }
  const counted = await fanIn(
    db,
    jobFanInKey(job._id),
    sourceMember(sourceId),
    planTotal(plan),
    outcome,
  );
  if (counted.last) await finishJob(db, job._id, planTotal(plan), deps, log);
  return counted.counted ? 'ok' : 'duplicate';
}
