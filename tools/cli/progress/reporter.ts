import { SingleBar } from 'cli-progress';
import { say, wantsBar, type Terminal } from '../terminal';
import { clock } from './format';
import { describeFigures, type Figures } from './figures';

/** Shows a job's progress as it changes. */
export interface Reporter {
  /** The figures at `elapsedMs` since the command started waiting. */
  update(figures: Figures, elapsedMs: number): void;
  /** Leaves the last figures on screen and ends the display. */
  stop(): void;
}

/** Without news, a plain line at least this often, so a log shows the job is still followed. */
const HEARTBEAT_MS = 15_000;

/** One line per change (and a heartbeat), for pipes, logs, `NO_COLOR` and dumb terminals. */
export function lineReporter(terminal: Terminal): Reporter {
  let shown = '';
  let shownAt = -Infinity;
  return {
    update(f, elapsedMs) {
      const counts = [f.state, f.total, f.done, f.failed, f.fetching].join('|');
      if (counts === shown && elapsedMs - shownAt < HEARTBEAT_MS) return;
      shown = counts;
      shownAt = elapsedMs;
      say(terminal, `[${clock(elapsedMs / 1000)}] ${f.state.padEnd(9)} ${describeFigures(f)}`);
    },
    stop() {},
  };
}

/** A bar redrawn in place (cli-progress) on an interactive terminal. */
export function barReporter(terminal: Terminal): Reporter {
  const bar = new SingleBar({
    stream: terminal.stdout,
    format: '{bar} {percentage}% | {figures}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    barsize: 24,
    fps: 5,
    hideCursor: false,
  });
  let started = false;
  return {
    update(f) {
      // A job of nothing is complete at once: a total of 0 would make the percentage NaN.
      const total = Math.max(f.total ?? 1, 1);
      const value = f.total === 0 ? 1 : f.settled;
      const payload = { figures: `${f.state} ${describeFigures(f)}` };
      if (!started) {
        bar.start(total, value, payload);
        started = true;
        return;
      }
      bar.setTotal(total);
      bar.update(value, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** The bar on a terminal, plain lines everywhere else ({@link wantsBar}). */
export const reporterFor = (terminal: Terminal): Reporter =>
  wantsBar(terminal) ? barReporter(terminal) : lineReporter(terminal);
