import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { collections, fanInCounts, jobFanInKey, type JobDoc } from '../../shared/store/index';

/** The job as `GET /multivac/jobs/{id}` shows it. */
export interface JobView {
  jobId: string;
  state: JobDoc['state'];
  total: number | null;
  done: number;
  failed: number;
  /** Pages of the job still being fetched: null until the job is planned, 0 once it has finished. */
  fetching: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  reason?: string;
}

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

/**
 * Sources a running job waits for that are still `requested` or `fetching` (its plan names them);
 * null while no plan is stored.
 */
async function stillFetching(db: Db, jobId: string): Promise<number | null> {
  const { plans, sources } = collections(db);
  const plan = await plans.findOne({ _id: jobId }, { projection: { sources: 1 } });
  if (!plan) return null;
  if (plan.sources.length === 0) return 0;
  return sources.countDocuments({
    _id: { $in: plan.sources },
    state: { $in: ['requested', 'fetching'] },
  });
}

/** A job and its progress: live counts while it runs, the recorded ones once it has finished. */
export async function readJob(db: Db, jobId: string): Promise<JobView | null> {
  const job = await collections(db).jobs.findOne({ _id: jobId });
  if (!job) return null;
  const running = job.state === 'running';
  const [live, fetching] = running
    ? await Promise.all([fanInCounts(db, jobFanInKey(jobId)), stillFetching(db, jobId)])
    : [undefined, job.state === 'queued' ? null : 0];
  return {
    jobId: job._id,
    state: job.state,
    total: job.total ?? null,
    done: live?.done ?? job.done ?? 0,
    failed: live?.failed ?? job.failed ?? 0,
    fetching,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    ...(job.reason ? { reason: job.reason } : {}),
  };
}
