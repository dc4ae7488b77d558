import type { Db } from 'mongodb';
import {
  clearFanIn,
  collections,
  fanInCounts,
  jobFanInKey,
  latestAnswer,
} from '../../shared/store/index';
import { answerUpdated, cacheNewest, storeAnswer } from './answer';
import type { LearnDeps, Log } from './deps';

/**
 * Completes a job: the answer version (stored once per job), the cache written through, then
 * `answer.updated`, then the job's final counts. Run by the one member the fan-in names last — and
 * again by that member's redelivery if it crashed half-way, so every step is idempotent and the
 * job is marked succeeded only after everything else has happened.
 */
export async function finishJob(
  db: Db,
  jobId: string,
  total: number,
  deps: LearnDeps,
  log: Log,
): Promise<void> {
  const { jobs } = collections(db);
  const counts = await fanInCounts(db, jobFanInKey(jobId));
  const learnedSomething = total > 0;
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
        total,
        done: Math.min(counts.done, total),
        failed: Math.min(counts.failed, total),
        ...(answer ? { answerVersion: answer._id } : {}),
      },
    },
  );
  await clearFanIn(db, jobFanInKey(jobId));
  log.info(
    {
      jobId,
      total,
      done: counts.done,
      failed: counts.failed,
      answerVersion: answer?._id,
      status: answer?.status,
    },
    'learning job succeeded',
  );
}
