import { spawn, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { bundleNodeFlags } from '../../../shared/runtime/node-flags';

export interface RunningBundle {
  child: ChildProcess;
  /** Every line written to stdout or stderr so far. */
  lines: string[];
  /** Resolves with the first line (past or future) matching `pattern`; rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** True while the process has not exited. */
  alive(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs `node <file>` in `cwd` with exactly `env` (nothing inherited) and the bundle's Node flags,
 * collecting its output lines, the way a container runs a bundle.
 */
export function runBundle(file: string, cwd: string, env: NodeJS.ProcessEnv): RunningBundle {
  const child = spawn(
    process.execPath,
    [...bundleNodeFlags(dirname(file)), '--enable-source-maps', file],
    {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      for (const wake of waiters) wake();
      resolve();
    }),
  );
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream!, crlfDelay: Infinity }).on('line', (line) => {
      lines.push(line);
      for (const wake of waiters) wake();
    });
  }

  const waitForLine = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.find((line) => pattern.test(line));
        if (found !== undefined) return done(() => resolve(found));
        if (exited)
          return done(() =>
            reject(
              new Error(
                `${file} exited (code ${child.exitCode}, signal ${child.signalCode}) before logging ${pattern}:\n${lines.join('\n')}`,
              ),
            ),
          );
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(
              new Error(
                `${file} logged no ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`,
              ),
            ),
          ),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  return {
    child,
    lines,
    waitForLine,
    alive: () => !exited,
    async stop(graceMs = 5000) {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}
