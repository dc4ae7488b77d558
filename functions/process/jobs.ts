import { nodeCrypto } from '../../shared/runtime/node-crypto';
import type { Db } from 'mongodb';
import type { JobView } from '../../shared/api/index';
import type { FanIn } from '../../shared/fan-in/index';
import { collections, jobFanInKey, jobWaitKey, type JobDoc } from '../../shared/store/index';

/** Sortable, unguessable job ids: creation time, then randomness. */
export const newJobId = () =>
  `job-${Date.now().toString(36)}-${nodeCrypto().randomBytes(6).toString('hex')}`;

export async function createJob(db: Db, jobId = newJobId()): Promise<JobDoc> {
  const job: JobDoc = { _id: jobId, state: 'queued', createdAt: new Date() };
  await collections(db).jobs.insertOne(job);
  return job;
}

/** Marks a job that could not be queued (the broker refused or was unreachable). */
export async function failJob(db: Db, jobId: string, reason: string): Promise<void> {
  await collections(db).jobs.updateOne(
    { _id: jobId, state: 'queued' },
    { $set: { state: 'failed', reason, finishedAt: new Date() } },
  );
}

/**
 * A job and its progress: live counts from `learn`'s fan-ins in Redis while it runs (the pages it
 * waits for, then the documents it learns), the recorded ones once it has finished. Progress is
 * best effort: when Redis cannot tell, the job's recorded fields stand.
 */
export async function readJob(db: Db, jobId: string, fanIn: FanIn): Promise<JobView | null> {
  const job = await collections(db).jobs.findOne({ _id: jobId });
  if (!job) return null;
  let total = job.total ?? null;
  let done = job.done ?? 0;
  let failed = job.failed ?? 0;
  let fetching = 0;
  if (job.state === 'running') {
    const [learning, waiting] = await Promise.all([
      fanIn.progress(jobFanInKey(jobId)).catch(() => null),
      total === null ? fanIn.progress(jobWaitKey(jobId)).catch(() => null) : null,
    ]);
    if (learning) ({ total, done, failed } = learning);
    else if (waiting) fetching = waiting.total - waiting.done - waiting.failed;
  }
  return {
    jobId: job._id,
    state: job.state,
    total,
    done,
    failed,
    fetching,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    ...(job.reason ? { reason: job.reason } : {}),
  };
}
