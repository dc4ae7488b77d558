import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import type { JobView } from '../../shared/api/index';
import { collections, fanInCounts, jobFanInKey, type JobDoc } from '../../shared/store/index';

/** Sortable, unguessable job ids: creation time, then randomness. */
export const newJobId = () => `job-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;

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

/** A job and its progress: live counts while it runs, the recorded ones once it has finished. */
export async function readJob(db: Db, jobId: string): Promise<JobView | null> {
  const job = await collections(db).jobs.findOne({ _id: jobId });
  if (!job) return null;
  const live = job.state === 'running' ? await fanInCounts(db, jobFanInKey(jobId)) : undefined;
  return {
    jobId: job._id,
    state: job.state,
    total: job.total ?? null,
    done: live?.done ?? job.done ?? 0,
    failed: live?.failed ?? job.failed ?? 0,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    ...(job.reason ? { reason: job.reason } : {}),
  };
}
