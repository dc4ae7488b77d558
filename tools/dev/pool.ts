import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, isListening } from '../services/ports';
import { NODE_FLAGS } from '../../shared/runtime/node-flags';
import { pipeLines, type LineSink } from './logs';
import { upstreamAgent, type ProxyTarget } from './proxy';

export type FunctionState = 'stopped' | 'starting' | 'running' | 'stopping';

export interface FunctionProcessOptions {
  name: string;
  /** The bundle to run with `node`. */
  bundle: string;
  /**
   * Node flags before the bundle, after the image's own (NODE_FLAGS): e.g. the manifest's heap
   * limits, `--enable-source-maps` (which doubles a cold start).
   */
  nodeArgs?: readonly string[];
  port: number;
  env: NodeJS.ProcessEnv;
  /** Stop after this long without requests; 0 or `warm` keeps it running. */
  idleMs: number;
  warm: boolean;
  out: LineSink;
  /**
   * Requests one process serves at once (Knative's containerConcurrency); more wait for a slot,
   * as they wait in the queue-proxy. 0 or absent: no limit.
   */
  concurrency?: number;
  /** Called on every (cold) start with its duration, spawn → ready. */
  onStarted?: (name: string, ms: number) => void;
  onStopped?: (name: string, reason: string) => void;
}

const alive = new Set<ChildProcess>();
// Function processes must not outlive the stack, even when it exits abruptly.
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

/** A start-up that failed because a port was taken: worth another try on fresh ports. */
class AddressInUse extends Error {
  constructor() {
    super('address in use');
  }
}

/** `port` when nothing listens on it, else a free one. */
async function stillFree(port: number): Promise<number> {
  return (await isListening(port)) ? freePort() : port;
}

async function ready(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, {
      signal: AbortSignal.timeout(1000),
    });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * One function as Knative runs it: no process until the first request (the caller is held
 * meanwhile, as Knative's activator holds it), then a process that serves until it has been idle
 * for `idleMs`, then none again. Requests are counted in and out so that an idle stop never cuts
 * one short.
 */
export class FunctionProcess {
  state: FunctionState = 'stopped';
  starts = 0;
  private child?: ChildProcess;
  private starting?: Promise<void>;
  private exited?: Promise<void>;
  private inFlight = 0;
  /** Requests holding one of `concurrency` slots, and those waiting for one. */
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Set by stop('shutdown'): the stack is going away, nothing starts this function again. */
  private closed = false;
  private idleTimer?: NodeJS.Timeout;
  private metricsPort?: number;
  readonly target: ProxyTarget;

  constructor(private readonly options: FunctionProcessOptions) {
    this.target = { port: options.port, agent: upstreamAgent() };
  }

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Its Prometheus metrics while it runs (METRICS_PORT of its environment), if it has them. */
  get metricsUrl(): string | undefined {
    return this.metricsPort === undefined
      ? undefined
      : `http://127.0.0.1:${this.metricsPort}/metrics`;
  }

  /** Ensures the process serves and counts one request in; pair with release(). */
  async acquire(): Promise<ProxyTarget> {
    this.inFlight++;
    clearTimeout(this.idleTimer);
    try {
      await this.slot();
      if (this.state === 'stopping') await this.exited;
      if (this.state !== 'running') await this.start();
      return this.target;
    } catch (err) {
      this.release();
      throw err;
    }
  }

  /** Counts one request out; arms the idle timer when none is left. */
  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    // Its slot goes to the next request waiting, if any.
    const next = this.waiting.shift();
    if (next) next();
    else this.active = Math.max(0, this.active - 1);
    this.armIdle();
  }

  /** Waits for one of `concurrency` slots (at once when there is no limit or one is free). */
  private slot(): Promise<void> {
    const limit = this.options.concurrency ?? 0;
    if (limit <= 0 || this.active < limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  start(): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.name} is shutting down`));
    this.starting ??= this.spawn().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async spawn(): Promise<void> {
    this.state = 'starting';
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.spawnOnce(attempt > 1);
        break;
      } catch (err) {
        // A port chosen free can be taken before the function binds it: most often as the local
        // port of some process's outgoing connection, which no "is anyone listening" check sees.
        if (!(err instanceof AddressInUse) || attempt === 3) throw err;
        this.options.out(`${this.name.padEnd(10)}| its port was taken meanwhile; new ports`);
      }
    }
    this.state = 'running';
    this.starts++;
    this.options.onStarted?.(this.name, Math.round(performance.now() - started));
    this.armIdle();
  }

  private async spawnOnce(freshPorts: boolean): Promise<void> {
    const { name, bundle, env, out } = this.options;
    // A scaled-to-zero function's ports were free when the stack chose them, minutes ago; another
    // program may hold them now (and might even answer /readyz). Take fresh ones if so.
    if (freshPorts) this.target.port = await freePort();
    const port = await this.portToUse();
    const metricsPort = env.METRICS_PORT
      ? freshPorts
        ? await freePort()
        : await stillFree(Number(env.METRICS_PORT))
      : undefined;
    this.metricsPort = metricsPort;
    const child = spawn(
      process.execPath,
      [...NODE_FLAGS, ...(this.options.nodeArgs ?? []), bundle],
      {
        env: {
          ...env,
          PORT: String(port),
          ...(metricsPort !== undefined ? { METRICS_PORT: String(metricsPort) } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    alive.add(child);
    let addressInUse = false;
    const watch = (line: string) => {
      if (line.includes('EADDRINUSE')) addressInUse = true;
      out(line);
    };
    pipeLines(child.stdout, name, watch);
    pipeLines(child.stderr, name, watch);
    let died = false;
    const closed = new Promise((resolve) => child.once('close', resolve));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        died = true;
        alive.delete(child);
        if (this.child === child) {
          this.child = undefined;
          this.state = 'stopped';
          this.target.agent.destroy();
          this.target.agent = upstreamAgent();
          this.options.onStopped?.(name, signal ? `signal ${signal}` : `exit code ${code}`);
        }
        resolve();
      }),
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (died) {
        // Its last lines may still be on their way through the pipes.
        await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
        if (addressInUse) throw new AddressInUse();
        throw new Error(`${name} exited during start-up (see its log lines above)`);
      }
      if ((await ready(port)) && !died) break;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${name} did not become ready within 30 s`);
      }
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  /** The function's port, or a fresh one when something else holds it now. */
  private async portToUse(): Promise<number> {
    const port = await stillFree(this.target.port);
    if (port !== this.target.port) {
      this.options.out(
        `${this.name.padEnd(10)}| port ${this.target.port} is taken by another program; using ${port}`,
      );
      this.target.port = port;
    }
    return port;
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (
      this.options.warm ||
      this.options.idleMs <= 0 ||
      this.inFlight > 0 ||
      this.state !== 'running'
    )
      return;
    this.idleTimer = setTimeout(() => {
      if (this.inFlight === 0 && this.state === 'running') void this.stop('idle');
    }, this.options.idleMs);
    this.idleTimer.unref();
  }

  /** SIGTERM (the function finishes in-flight work), SIGKILL after 10 s. */
  async stop(reason = 'stop'): Promise<void> {
    if (reason === 'shutdown') this.closed = true;
    clearTimeout(this.idleTimer);
    await this.starting?.catch(() => {});
    const child = this.child;
    if (!child) return;
    this.state = 'stopping';
    this.options.out(`${this.name.padEnd(10)}| scaling to zero (${reason})`);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** For watch mode: the next request starts the new bundle. */
  async restart(): Promise<void> {
    const wasRunning = this.state === 'running' || this.state === 'starting';
    await this.stop('rebuilt');
    if (wasRunning && this.options.warm) await this.start();
  }
}
