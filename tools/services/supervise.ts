import { relaunch, restartServer, type RestartOptions, type ServerProcess } from './child';

/** How a supervised process is brought back, like a Kubernetes Deployment's restart policy. */
export interface SuperviseOptions {
  /** Names the process in log lines. */
  name: string;
  log: (line: string) => void;
  /** The first restart waits this long; each further one twice as long. Default 1 s. */
  initialDelayMs?: number;
  /** The longest wait between restarts (Kubernetes: 5 min; here a developer is waiting). Default 30 s. */
  maxDelayMs?: number;
  /** A process that stayed up this long starts the backoff afresh (Kubernetes: 10 min). Default 60 s. */
  resetAfterMs?: number;
}

/** A server process that is started again whenever it dies, until it is stopped on purpose. */
export interface SupervisedProcess {
  /** The running process (a new one after each restart). */
  readonly process: ServerProcess;
  readonly pid: number;
  /** Restarts after unexpected exits so far. */
  readonly restarts: number;
  /** SIGTERM (SIGKILL after `graceMs`); it stays down for good. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, and stay down until {@link SupervisedProcess.start}: a fault test chooses the downtime. */
  kill(): Promise<void>;
  /** Starts it again after {@link SupervisedProcess.kill}; resolves when it is ready. */
  start(): Promise<void>;
  /** Stops it (SIGTERM or SIGKILL), keeps it down `downMs`, starts it again; no restart meanwhile. */
  restart(options?: RestartOptions): Promise<void>;
}

const describeExit = (child: ServerProcess['child']) =>
  child.signalCode ? `signal ${child.signalCode}` : `exit code ${child.exitCode}`;

/**
 * Watches `first` (started by `launch`) and, when it exits without being asked to, starts it again
 * with `launch` after an exponential backoff, saying so in the log with the exit code or signal —
 * what Kubernetes does for a Deployment's pod (`CrashLoopBackOff`). Exits that an operation of
 * its own causes (stop, kill, restart) are not crashes.
 */
export function supervise(
  launch: () => Promise<ServerProcess>,
  first: ServerProcess,
  {
    name,
    log,
    initialDelayMs = 1000,
    maxDelayMs = 30_000,
    resetAfterMs = 60_000,
  }: SuperviseOptions,
): SupervisedProcess {
  let current = first;
  let startedAt = Date.now();
  let failures = 0;
  let restarts = 0;
  /** Set while an operation owns the process (kill … start, restart) and after stop(). */
  let held = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let launching: Promise<void> | undefined;

  const running = (proc: ServerProcess) => {
    current = proc;
    startedAt = Date.now();
    void proc.exited.then(() => {
      if (proc === current && !held && !stopped) crashed(describeExit(proc.child));
    });
  };

  const crashed = (how: string) => {
    if (Date.now() - startedAt >= resetAfterMs) failures = 0;
    failures++;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** (failures - 1));
    const upFor = ((Date.now() - startedAt) / 1000).toFixed(1);
    log(
      `${name} exited (${how}) after ${upFor} s; restarting in ${delay} ms (restart ${restarts + 1})`,
    );
    timer = setTimeout(() => {
      timer = undefined;
      launching = relaunch(launch).then(
        async (proc) => {
          if (held || stopped) {
            await proc.stop();
            return;
          }
          restarts++;
          running(proc);
          log(`${name} restarted (pid ${proc.pid})`);
        },
        (err: unknown) => {
          if (held || stopped) return;
          startedAt = Date.now();
          crashed(`restart failed: ${(err as Error).message}`);
        },
      );
    }, delay);
  };

  /** Takes the process away from the watcher: no restart is pending or under way afterwards. */
  const hold = async () => {
    held = true;
    clearTimeout(timer);
    timer = undefined;
    await launching?.catch(() => {});
  };

  running(first);
  return {
    get process() {
      return current;
    },
    get pid() {
      return current.pid;
    },
    get restarts() {
      return restarts;
    },
    async stop(graceMs) {
      stopped = true;
      await hold();
      await current.stop(graceMs);
    },
    async kill() {
      await hold();
      await current.kill();
    },
    async start() {
      if (!held || stopped) return;
      running(await relaunch(launch));
      held = false;
    },
    async restart(options) {
      if (stopped) return;
      await hold();
      running(await restartServer(current, launch, options));
      held = false;
    },
  };
}
