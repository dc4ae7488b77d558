import type { FanIn } from '../../shared/fan-in/index';
import type { JobAccepted } from '../../shared/api/index';
import { EventType, entityId } from '../../shared/events/catalogue';
import type { Emit } from '../../shared/events/emit';
import type { Database } from '../../shared/runtime/context';
import { HttpError, type Route, type RouteContext } from '../../shared/http/index';
import { createJob, failJob, readJob } from './jobs';

export interface ProcessDeps {
  db: Database;
  emit: Emit;
  /** `learn`'s counts, read for live progress. */
  fanIn: FanIn;
  /** Throws a 429 when the client has started too many jobs this minute. */
  rateLimit(ctx: RouteContext): Promise<void>;
}

const SOURCE = '/multivac/process';

/**
 * `POST /multivac` starts a learning job; `GET /multivac/jobs/{id}` reports it. The job is
 * recorded before `learning.requested` is published, and marked failed if the broker refuses it, so
 * a job is never left queued with nothing on its way to `learn`.
 */
export function processRoutes({ db, emit, fanIn, rateLimit }: ProcessDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/multivac',
      async handler(ctx) {
        const { req, res, log } = ctx;
        req.resume(); // the body carries nothing; do not keep it buffered
        await rateLimit(ctx);
        const database = await db();
        const job = await createJob(database);
        try {
          // The CloudEvents SDK on the first POST (or the warm-up's emitter), not at cold start.
          const { makeEvent } = await import('../../shared/events/make');
          await emit(
            makeEvent(
              EventType.LearningRequested,
              { jobId: job._id },
              { source: SOURCE, id: `learning.requested:${job._id}` },
            ),
          );
        } catch (err) {
          log.error({ err, jobId: job._id }, 'learning.requested could not be published');
          await failJob(database, job._id, 'the learning request could not be queued');
          throw new HttpError(503, 'the learning job could not be queued; try again shortly', {
            'retry-after': '5',
          });
        }
        log.info({ jobId: job._id }, 'learning job queued');
        res.writeHead(202, {
          'content-type': 'application/json',
          location: `/multivac/jobs/${job._id}`,
        });
        const accepted: JobAccepted = { jobId: job._id, state: 'queued' };
        res.end(JSON.stringify(accepted));
      },
    },
    {
      method: 'GET',
      path: '/multivac/jobs/:id',
      async handler({ res, params }) {
        if (!entityId.safeParse(params.id).success)
          throw new HttpError(404, `no job ${JSON.stringify(params.id)}`);
        const job = await readJob(await db.forReads(), params.id!, fanIn);
        if (!job) throw new HttpError(404, `no job ${params.id}`);
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(job));
      },
    },
  ];
}
