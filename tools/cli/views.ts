/**
 * What the command reads from MultiVAC's HTTP API and the broker's admin API, checked with zod so
 * a wrong `--url` is reported as such instead of printing `undefined`. Only the fields the command
 * shows; unknown fields are ignored, so the server may add more. The answer's schema is
 * `answerView` of shared/knowledge, the one the functions serve.
 */
import { z } from 'zod';

/** `GET /multivac/jobs/{id}` (functions/process). */
export const jobView = z.object({
  jobId: z.string(),
  state: z.enum(['queued', 'running', 'succeeded', 'failed']),
  total: z.number().int().nonnegative().nullable(),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Absent from servers older than this command. */
  fetching: z.number().int().nonnegative().nullable().optional(),
  reason: z.string().optional(),
});
export type JobView = z.output<typeof jobView>;

/** `POST /multivac`. */
export const jobCreated = z.object({ jobId: z.string() });

/** A source as `PUT /multivac/data` and `GET /multivac/data` show it (functions/data). */
export const sourceView = z
  .object({
    id: z.string(),
    url: z.string(),
    kind: z.enum(['url', 'text']),
    state: z.enum(['requested', 'fetching', 'acquired', 'failed']),
    reason: z.string().optional(),
    title: z.string().optional(),
    updatedAt: z.string(),
  })
  .loose();
export type SourceView = z.output<typeof sourceView>;

/** The states `GET /multivac/data?state=` accepts. */
export const SOURCE_STATES = sourceView.shape.state.options;

export const sourcePage = z.object({ items: z.array(sourceView), next: z.string().nullable() });

/** A dead letter of the broker's admin API (functions/broker). */
export const deadLetter = z
  .object({
    id: z.string(),
    trigger: z.string(),
    kind: z.string(),
    reason: z.string(),
    attempts: z.number(),
    event: z.object({ id: z.string().optional(), type: z.string().optional() }).loose().nullable(),
  })
  .loose();
export type DeadLetter = z.output<typeof deadLetter>;

export const deadLetterPage = z.object({
  items: z.array(deadLetter),
  next: z.string().optional(),
});

export const redriveReport = z.object({
  redriven: z.array(z.object({ id: z.string(), trigger: z.string(), entry: z.string() })),
  skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
});
