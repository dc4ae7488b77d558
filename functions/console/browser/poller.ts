/** A task run again and again, one run at a time. */
export interface Poller {
  /** Runs the task now (or as soon as the run in progress ends), then on its schedule. */
  now(): void;
  stop(): void;
}

/**
 * Runs `task`, then again `delay()` ms after each run ends — never two runs at once. While the
 * page is hidden it waits (an open tab in the background costs the functions nothing and lets
 * them scale to zero); when the page is shown again it runs at once. The task handles its own
 * errors; one that escapes only delays the next run.
 */
export function poll(doc: Document, task: () => Promise<void>, delay: () => number): Poller {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  let stopped = false;

  const schedule = (ms: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(run, ms);
  };
  const run = async () => {
    timer = undefined;
    if (stopped) return;
    if (doc.visibilityState === 'hidden') return; // resumed by visibilitychange
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await task();
    } catch {
      // the task reports its own failures; keep polling
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      schedule(0);
    } else schedule(delay());
  };
  const onVisibility = () => {
    if (doc.visibilityState === 'visible' && timer === undefined && !running) void run();
  };
  doc.addEventListener('visibilitychange', onVisibility);
  void run();
  return {
    now() {
      schedule(0);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      doc.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
