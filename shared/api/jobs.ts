import * as z from '../zod/index';
import { JOB_STATES } from '../store/index';
import { instant } from './instant';

const count = z.number().check(z.int(), z.nonnegative());

/** A learning job as `GET /multivac/jobs/{id}` shows it. */
export const jobView = z
  .object({
    jobId: z.string(),
    state: z
      .enum(JOB_STATES)
      .register(z.globalRegistry, { description: 'queued → running → succeeded or failed' }),
    total: z.nullable(count).register(z.globalRegistry, {
      description:
        'documents to learn plus waited pages that failed; null until the job has planned (it first waits for the pages still being fetched when it was created)',
    }),
    done: count
      .clone()
      .register(z.globalRegistry, { description: 'documents learned so far (live while it runs)' }),
    failed: count.clone().register(z.globalRegistry, {
      description: 'pages that could not be fetched and documents that vanished',
    }),
    fetching: count.clone().register(z.globalRegistry, {
      description: 'pages fed before the job that it still waits for; 0 once it has planned',
    }),
    createdAt: instant,
    startedAt: z.nullable(instant),
    finishedAt: z.nullable(instant),
    reason: z
      .optional(z.string())
      .register(z.globalRegistry, { description: 'why the job failed' }),
  })
  .register(z.globalRegistry, { description: 'a learning job and its progress' });
export type JobView = z.output<typeof jobView>;

/** The answer of `POST /multivac`: the job just queued. */
export const jobAccepted = z
  .extend(z.pick(jobView, { jobId: true }), { state: z.literal('queued') })
  .register(z.globalRegistry, { description: 'the learning job just queued; follow `Location`' });
export type JobAccepted = z.output<typeof jobAccepted>;
