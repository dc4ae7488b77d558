import * as z from 'zod';
import { JOB_STATES } from '../store/index';
import { instant } from './instant';

const count = z.number().int().nonnegative();

/** A learning job as `GET /multivac/jobs/{id}` shows it. */
export const jobView = z
  .object({
    jobId: z.string(),
    state: z.enum(JOB_STATES).meta({ description: 'queued → running → succeeded or failed' }),
    total: count.nullable().meta({
      description:
        'documents to learn plus waited pages that failed; null until the job has planned (it first waits for the pages still being fetched when it was created)',
    }),
    done: count.meta({ description: 'documents learned so far (live while it runs)' }),
    failed: count.meta({
      description: 'pages that could not be fetched and documents that vanished',
    }),
    fetching: count.meta({
      description: 'pages fed before the job that it still waits for; 0 once it has planned',
    }),
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
