import type { Api, Job } from './api';
import { fill, type Make } from './dom';
import { explain } from './explain';
import { poll, type Poller } from './poller';
import { describeJob } from './progress';

const JOB_POLL_MS = 1000;

export interface LearnPanel {
  element: HTMLElement;
  /** True while a job this page started is still running. */
  active(): boolean;
}

/**
 * The button that starts a learning job (`POST /multivac`) and the job's progress, polled from
 * `GET /multivac/jobs/{id}` until it ends. The button stays usable (and focused) throughout: a
 * second job while one runs is allowed, and the panel follows the newest.
 */
export function learnPanel(
  make: Make,
  doc: Document,
  api: Api,
  onFinished: (job: Job) => void,
): LearnPanel {
  const button = make('button', { id: 'learn-button', type: 'button' }, 'Learn');
  const error = make('p', { id: 'learn-error', class: 'error', role: 'alert' });
  const heading = make('h3', { id: 'job-heading' }, 'Learning job');
  const progress = make('progress', { id: 'job-progress', 'aria-labelledby': 'job-heading' });
  const text = make('p', { id: 'job-text', class: 'job-text' });
  const live = make('p', { id: 'job-live', class: 'visually-hidden', 'aria-live': 'polite' });
  const panel = make(
    'div',
    { id: 'job', class: 'job', hidden: true, 'aria-describedby': 'job-text' },
    heading,
    progress,
    text,
    live,
  );

  let poller: Poller | undefined;
  let current = '';
  let running = false;
  let starting = false;

  const show = (job: Job) => {
    const view = describeJob(job);
    panel.hidden = false;
    panel.dataset.state = job.state;
    fill(heading, `Learning job ${job.jobId}`);
    if (view.value === null || view.max === null) progress.removeAttribute('value');
    else {
      progress.max = Math.max(view.max, 1);
      progress.value = view.max === 0 ? 1 : view.value;
    }
    fill(text, view.text);
    if (live.textContent !== view.milestone) fill(live, view.milestone);
    return view.finished;
  };

  const follow = (job: Job) => {
    poller?.stop();
    current = job.jobId;
    running = !show(job);
    if (!running) return onFinished(job);
    poller = poll(
      doc,
      async () => {
        const jobId = current;
        try {
          const latest = await api.job(jobId);
          if (jobId !== current) return;
          fill(error);
          if (show(latest)) {
            running = false;
            poller?.stop();
            onFinished(latest);
          }
        } catch (err) {
          fill(error, `Progress unavailable: ${explain(err)} Retrying.`);
        }
      },
      () => JOB_POLL_MS,
    );
  };

  button.addEventListener('click', () => {
    if (starting) return;
    starting = true;
    button.setAttribute('aria-busy', 'true');
    api
      .learn()
      .then((job) => {
        fill(error);
        follow(job);
      })
      .catch((err: unknown) => fill(error, explain(err)))
      .finally(() => {
        starting = false;
        button.removeAttribute('aria-busy');
      });
  });

  const element = make(
    'section',
    { id: 'learn', class: 'panel', 'aria-labelledby': 'learn-heading' },
    make('h2', { id: 'learn-heading' }, 'Learn'),
    make(
      'p',
      { class: 'hint' },
      'Learns from every page fed so far, including pages still being fetched.',
    ),
    button,
    error,
    panel,
  );
  return { element, active: () => running };
}
