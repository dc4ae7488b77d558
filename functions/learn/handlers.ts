import type { Db } from 'mongodb';
import type { EventData, EventType } from '../../shared/events/index';
import type { FanInFact, FanInRecord } from '../../shared/fan-in/index';
import type { Handled } from '../../shared/runtime/index';
import {
  collections,
  jobFanInKey,
  jobWaitKey,
  readFacts,
  recordFacts,
  type JobDoc,
} from '../../shared/store/index';
import { documentMember, sourceMember, waitClaim, type LearnDeps, type Log } from './deps';
import { finishJob } from './finish';
import { learnDocuments } from './learn-documents';
import { fanOut, planDocuments } from './plan';
import { claimWaits, settledWaits, waitRecord } from './waits';

const finished = (job: JobDoc) => job.state === 'succeeded' || job.state === 'failed';

/** The finisher name of the planner's own count of sources that settled before it looked. */
const PLANNER = 'planner';

/**
 * `learning.requested`: the job first waits for the sources still being fetched when it was
 * created (registered so that their outcomes find it), then plans once they have all settled —
 * at once when there are none.
 */
export async function onLearningRequested(
  { jobId }: EventData<typeof EventType.LearningRequested>,
  deps: LearnDeps,
  log: Log,
): Promise<Handled> {
  const db = await deps.db();
  const job = await collections(db).jobs.findOne({ _id: jobId });
  if (!job) {
    log.warn({ jobId }, 'no such job; acknowledged');
    return 'duplicate';
  }
  if (finished(job)) return 'duplicate';
  const waited = await claimWaits(db, job);
  if (waited.length === 0) {
    await plan(db, job, [], deps, log);
    return 'ok';
  }
  // Registered before the settled sources are read: an outcome either finds the registration or
  // is already settled in MongoDB when the planner reads the sources below.
  await deps.waits.register(jobId, waited);
  await deps.fanIn.open(jobWaitKey(jobId), waited.length);
  await collections(db).jobs.updateOne(
    { _id: jobId },
    { $set: { state: 'running', startedAt: job.startedAt ?? new Date() } },
  );
  log.info({ jobId, waiting: waited.length }, 'learning job waits for pages being fetched');
  const settled = await settledWaits(db, job, waited);
  const counted = await deps.fanIn.count(db, jobWaitKey(jobId), settled, PLANNER, (d) =>
    waitRecord(d, jobId),
  );
  if (counted.last) await plan(db, job, waited, deps, log);
  return 'ok';
}

/**
 * `source.acquired` / `source.failed`: if a job waits for this source, count it; the outcome that
 * completes the wait plans the job. Most pages are waited for by nobody, which one Redis read
 * tells.
 */
export async function onSourceOutcome(
  { sourceId }: { sourceId: string },
  outcome: FanInFact['outcome'],
  deps: LearnDeps,
  log: Log,
): Promise<Handled> {
  let jobId = await deps.waits.lookup(sourceId);
  const db = await deps.db();
  if (jobId === 'unknown') jobId = await waiterFromClaims(db, sourceId, deps);
  if (jobId === null) return 'duplicate';
  const waitedJob = jobId;
  const counted = await deps.fanIn.count(
    db,
    jobWaitKey(waitedJob),
    [{ member: sourceId, outcome }],
    sourceId,
    (d) => waitRecord(d, waitedJob),
  );
  if (!counted.last) return counted.counted ? 'ok' : 'duplicate';
  const job = await collections(db).jobs.findOne({ _id: waitedJob });
  if (!job || finished(job)) return 'duplicate';
  await plan(db, job, await claimWaits(db, job), deps, log);
  return 'ok';
}

/**
 * Redis has lost the registrations (or never had any): MongoDB's wait claim names the waiting
 * job, if any. When no wait claim exists at all, nobody waits and Redis is told so, which makes
 * every later check a Redis read again.
 */
async function waiterFromClaims(db: Db, sourceId: string, deps: LearnDeps): Promise<string | null> {
  const { claims, jobs } = collections(db);
  const wait = await claims.findOne({ _id: waitClaim(sourceId) });
  if (wait) {
    const job = await jobs.findOne({ _id: wait.owner }, { projection: { state: 1 } });
    return job && !finished(job as JobDoc) ? wait.owner : null;
  }
  if (!(await claims.findOne({ _id: { $regex: '^wait\\|' } }))) await deps.waits.markNoneWaiting();
  return null;
}

/**
 * Plans the job (its waits have settled) and starts learning: the job's total is the documents
 * it learns plus the waited sources that failed, which are counted at once; one `document.learn`
 * per batch. Idempotent: the plan is committed once and the events have fixed ids.
 */
async function plan(
  db: Db,
  job: JobDoc,
  waited: readonly string[],
  deps: LearnDeps,
  log: Log,
): Promise<void> {
  const failedSources = (await settledWaits(db, job, waited)).filter((f) => f.outcome === 'failed');
  const documents = await planDocuments(db, job);
  const total = documents.length + failedSources.length;
  const key = jobFanInKey(job._id);
  await collections(db).jobs.updateOne(
    { _id: job._id },
    { $set: { state: 'running', startedAt: job.startedAt ?? new Date(), total } },
  );
  await deps.fanIn.open(key, total);
  log.info(
    { jobId: job._id, documents: documents.length, failedSources: failedSources.length },
    'learning job planned',
  );
  const facts = failedSources.map((f) => ({ member: sourceMember(f.member), outcome: f.outcome }));
  await recordFacts(db, key, facts);
  const counted = await deps.fanIn.count(db, key, facts, PLANNER, learnRecord);
  await fanOut(job._id, documents, total, deps);
  await deps.waits.release(waited);
  if (total === 0 || counted.last) await finishJob(db, job._id, counted, deps, log);
}

/** The durable record of a job's learning: its total and the facts recorded so far. */
async function learnRecord(db: Db, key: string): Promise<FanInRecord | null> {
  const jobId = key.slice(jobFanInKey('').length);
  const job = await collections(db).jobs.findOne({ _id: jobId }, { projection: { total: 1 } });
  if (job?.total === undefined) return null;
  return { total: job.total, facts: await readFacts(db, key) };
}

/** `document.learn`: learn a batch of a job's documents and count them; the last batch finishes. */
export async function onDocumentLearn(
  { jobId, documentIds, total }: EventData<typeof EventType.DocumentLearn>,
  deps: LearnDeps,
  log: Log,
): Promise<Handled> {
  const db = await deps.db();
  const { jobs, documents } = collections(db);
  const job = await jobs.findOne({ _id: jobId });
  if (!job) {
    log.warn({ jobId }, 'no such job; acknowledged');
    return 'duplicate';
  }
  if (finished(job)) return 'duplicate';
  const docs = await documents
    .find({ _id: { $in: documentIds } }, { projection: { title: 1, text: 1, learnedBy: 1 } })
    .toArray();
  await learnDocuments(db, docs, jobId, deps.query());
  const found = new Set(docs.map((d) => d._id));
  for (const id of documentIds)
    if (!found.has(id)) log.warn({ documentId: id }, 'document vanished; counted as failed');
  const facts = documentIds.map((id) => ({
    member: documentMember(id),
    outcome: found.has(id) ? ('done' as const) : ('failed' as const),
  }));
  const key = jobFanInKey(jobId);
  await recordFacts(db, key, facts);
  const counted = await deps.fanIn.count(
    db,
    key,
    facts,
    documentMember(documentIds[0]!),
    async (d, k) => {
      const record = await learnRecord(d, k);
      return record ?? { total, facts: await readFacts(d, k) };
    },
  );
  if (counted.last) await finishJob(db, jobId, counted, deps, log);
  return counted.counted ? 'ok' : 'duplicate';
}
