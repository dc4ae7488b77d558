import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root } from './stack';

/** The launcher `npx multivac` runs in this checkout (package.json "bin"). */
export const CHECKOUT_BIN = join(root, 'bin/multivac.js');

export interface CliRun {
  /** The exit code (null if killed). */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** The command to run: the checkout's launcher unless given (an installed `multivac`). */
  command?: string[];
  /** Killed after this long (the run then fails with code null). */
  timeoutMs?: number;
  cwd?: string;
}

/** Runs `multivac <args>` as a child with `env` only, its output collected. */
export function run(
  command: readonly string[],
  env: NodeJS.ProcessEnv,
  { timeoutMs = 90_000, cwd = root }: RunOptions = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = command;
    const child = spawn(file!, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `multivac <args>` with stdout and stderr as pipes, as in a script or CI. */
export const runCli = (args: readonly string[], env: NodeJS.ProcessEnv, options: RunOptions = {}) =>
  run([...(options.command ?? [process.execPath, CHECKOUT_BIN]), ...args], env, options);

const shellQuote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * `multivac <args>` on a pseudo-terminal, through util-linux `script` (Debian's essential
 * bsdutils package): stdout and stderr are a terminal, as for a person at a shell; `stdout` holds
 * what the terminal received, escape codes included; `-e` passes the command's exit code on.
 */
export function runCliOnTerminal(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: RunOptions = {},
): Promise<CliRun> {
  const command = [...(options.command ?? [process.execPath, CHECKOUT_BIN]), ...args]
    .map(shellQuote)
    .join(' ');
  return run(['script', '-qfec', command, '/dev/null'], env, options);
}

/** ESC: every terminal escape sequence starts with it. */
export const ESC = '\u001b';
