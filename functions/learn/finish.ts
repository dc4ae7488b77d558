import type { Db } from 'mongodb';
import type { FanInState } from '../../shared/fan-in/index';
import {
  clearFanIn,
  collections,
  jobFanInKey,
  jobWaitKey,
  latestAnswer,
} from '../../shared/store/index';
import { answerUpdated, cacheNewest, storeAnswer } from './answer';
import { waitClaim, type LearnDeps, type Log } from './deps';
import { readJobList } from './job-list';

/**
 * Completes a job: the answer version (stored once per job), the cache written through, then
 * `answer.updated`, then the job's final counts. Run by the one finisher the fan-in names — and
 * again by that finisher's redelivery if it crashed half-way, so every step is idempotent and the
 * job is marked succeeded only after everything else has happened. Then its counts, facts and
 * wait claims are dropped: nothing reads them once the job has finished.
 */
export async function finishJob(
  db: Db,
  jobId: string,
  counts: FanInState,
  deps: LearnDeps,
  log: Log,
): Promise<void> {
  const { jobs, claims } = collections(db);
  const learnedSomething = counts.total > 0;
  const answer = learnedSomething ? await storeAnswer(db, jobId, deps) : await latestAnswer(db);
  if (learnedSomething && answer) {
    await cacheNewest(db, deps);
    await deps.emit(answerUpdated(answer));
    deps.onAnswer?.(answer.confidence);
  }
  await jobs.updateOne(
    { _id: jobId },
    {
      $set: {
        state: 'succeeded',
        finishedAt: new Date(),
        total: counts.total,
        done: Math.min(counts.done, counts.total),
        failed: Math.min(counts.failed, counts.total),
        ...(answer ? { answerVersion: answer._id } : {}),
      },
    },
  );
  await deps.fanIn.close(jobFanInKey(jobId));
  await deps.fanIn.close(jobWaitKey(jobId));
  await clearFanIn(db, jobFanInKey(jobId));
  const waited = await readJobList(db, 'waits', jobId);
  if (waited?.ids.length)
    await claims.deleteMany({ _id: { $in: waited.ids.map(waitClaim) }, owner: jobId });
  log.info(
    { jobId, ...counts, answerVersion: answer?._id, status: answer?.status },
    'learning job succeeded',
  );
}
