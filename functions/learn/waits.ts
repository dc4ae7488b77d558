import type { Db } from 'mongodb';
import { collections, type JobDoc, type SourceDoc } from '../../shared/store/index';
import type { FanInFact, FanInRecord } from '../../shared/fan-in/index';
import { claimAll, releaseExtra, releaseStaleClaims } from './claims';
import { waitClaim } from './deps';
import { readJobList, storeJobList } from './job-list';

/**
 * The sources a job waits for before it plans: every URL source fed before the job was created
 * that is still being fetched, claimed with `wait|<source>` so that no two jobs wait for one.
 * Committed once (a job list); a redelivery gets the committed list.
 */
export async function claimWaits(db: Db, job: JobDoc): Promise<string[]> {
  const existing = await readJobList(db, 'waits', job._id);
  if (existing) return existing.ids;
  const pending = await collections(db)
    .sources.find(
      {
        kind: 'url',
        state: { $in: ['requested', 'fetching'] },
        requestedAt: { $lte: job.createdAt },
      },
      { projection: { _id: 1 } },
    )
    .toArray();
  const ids = pending.map((s) => waitClaim(s._id));
  await releaseStaleClaims(
    db,
    ids,
    async (owner) => (await readJobList(db, 'waits', owner)) !== null,
  );
  const held = await claimAll(db, ids, job._id);
  const waited = pending
    .map((s) => s._id)
    .filter((id) => held.has(waitClaim(id)))
    .sort();
  const stored = await storeJobList(db, 'waits', job._id, waited);
  if (!stored.won) await releaseExtra(db, job._id, held, new Set(stored.ids.map(waitClaim)));
  return stored.ids;
}

/**
 * How a waited source ended for the job: done once acquired; failed once failed, or fed again
 * after the job was created (that new request is another job's); undefined while on its way.
 */
export function waitOutcome(
  source: Pick<SourceDoc, 'state' | 'requestedAt'> | undefined,
  job: Pick<JobDoc, 'createdAt'>,
): FanInFact['outcome'] | undefined {
  if (!source || source.state === 'failed' || source.requestedAt > job.createdAt) return 'failed';
  if (source.state === 'acquired') return 'done';
  return undefined;
}

/** The waited sources that have settled, with their outcomes (one read of `sources`). */
export async function settledWaits(
  db: Db,
  job: Pick<JobDoc, 'createdAt'>,
  waited: readonly string[],
): Promise<FanInFact[]> {
  if (waited.length === 0) return [];
  const found = new Map(
    (
      await collections(db)
        .sources.find({ _id: { $in: [...waited] } }, { projection: { state: 1, requestedAt: 1 } })
        .toArray()
    ).map((s) => [s._id, s]),
  );
  const facts: FanInFact[] = [];
  for (const id of waited) {
    const outcome = waitOutcome(found.get(id), job);
    if (outcome) facts.push({ member: id, outcome });
  }
  return facts;
}

/** The durable record of a job's wait: its committed list and the sources' states. */
export async function waitRecord(db: Db, jobId: string): Promise<FanInRecord | null> {
  const [job, list] = await Promise.all([
    collections(db).jobs.findOne({ _id: jobId }),
    readJobList(db, 'waits', jobId),
  ]);
  if (!job || !list) return null;
  return { total: list.header.count, facts: await settledWaits(db, job, list.ids) };
}
