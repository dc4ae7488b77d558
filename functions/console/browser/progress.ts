import type { Job } from './api';

/** How the page shows a learning job. */
export interface JobProgress {
  /** Members processed (learned or failed); null while unknown (indeterminate progress). */
  value: number | null;
  max: number | null;
  /** One line for the page. */
  text: string;
  /**
   * What a screen reader hears: it changes only with the state and every quarter of the way, so
   * a live region is not read out once a second.
   */
  milestone: string;
  finished: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Describes a job as `GET /multivac/jobs/{id}` reports it. */
export function describeJob(job: Job): JobProgress {
  const processed = job.done + job.failed;
  const failed = job.failed > 0 ? `, ${job.failed} failed` : '';
  switch (job.state) {
    case 'queued':
      return {
        value: null,
        max: null,
        text: 'Queued: waiting for a worker to plan the job.',
        milestone: 'Learning job queued.',
        finished: false,
      };
    case 'running': {
      if (job.total === null && job.fetching > 0)
        return {
          value: null,
          max: null,
          text: `Waiting for ${plural(job.fetching, 'page')} still being fetched${failed}.`,
          milestone: 'Learning job waits for pages being fetched.',
          finished: false,
        };
      if (job.total === null)
        return {
          value: null,
          max: null,
          text: 'Planning: counting the pages to learn.',
          milestone: 'Learning job running.',
          finished: false,
        };
      const quarter = job.total === 0 ? 4 : Math.floor((4 * processed) / job.total);
      return {
        value: processed,
        max: job.total,
        text: `${processed} of ${plural(job.total, 'page')} processed: ${job.done} learned${failed}.`,
        milestone: `Learning: ${quarter * 25}% done.`,
        finished: false,
      };
    }
    case 'succeeded': {
      const total = job.total ?? processed;
      return {
        value: total,
        max: total,
        text: `Done: ${job.done} of ${plural(total, 'page')} learned${failed}.`,
        milestone: `Learning finished: ${job.done} of ${plural(total, 'page')} learned${failed}.`,
        finished: true,
      };
    }
    case 'failed':
      return {
        value: processed,
        max: job.total,
        text: `The job failed${job.reason ? `: ${job.reason}` : '.'}`,
        milestone: 'Learning job failed.',
        finished: true,
      };
  }
}
