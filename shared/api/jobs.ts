import { z } from 'zod';
import { JOB_STATES } from '../store/index';
import { instant } from './instant';

const count = z.number().int().nonnegative();

/** A learning job as `GET /multivac/jobs/{id}` shows it. */
export const jobView = z
  .object({
    jobId: z.string(),
    state: z.enum(JOB_STATES).meta({ description: 'queued → running → succeeded or failed' }),
    total: count.nullable().meta({
      description: 'documents to learn and pages still being fetched; null until it runs',
    }),
    done: count.meta({ description: 'members finished so far (live while it runs)' }),
    failed: count.meta({ description: 'members that failed (pages that could not be fetched)' }),
    createdAt: instant,
    startedAt: instant.nullable(),
    finishedAt: instant.nullable(),
    reason: z.string().optional().meta({ description: 'why the job failed' }),
  })
  .meta({ description: 'a learning job and its progress' });
export type JobView = z.output<typeof jobView>;

/** The answer of `POST /multivac`: the job just queued. */
export const jobAccepted = jobView
  .pick({ jobId: true })
  .extend({ state: z.literal('queued') })
  .meta({ description: 'the learning job just queued; follow `Location`' });
export type JobAccepted = z.output<typeof jobAccepted>;
