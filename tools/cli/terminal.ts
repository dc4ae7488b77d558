/** Where the command reads and writes, and the environment it was started with. */
export interface Terminal {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: Readonly<Record<string, string | undefined>>;
}

/** Writes one line to stdout. */
export const say = (terminal: Terminal, line = '') => terminal.stdout.write(`${line}\n`);

/** Writes one line to stderr (notices and errors, so stdout stays the command's result). */
export const warn = (terminal: Terminal, line: string) => terminal.stderr.write(`${line}\n`);

/**
 * A redrawn progress bar only on an interactive terminal that can take escape codes: stdout is a
 * TTY, `NO_COLOR` is unset or empty (no-color.org) and `TERM` is not `dumb`. Otherwise progress
 * is written as plain lines, one per change, which a log or a pipe can keep.
 */
export function wantsBar({ stdout, env }: Pick<Terminal, 'stdout' | 'env'>): boolean {
  if (stdout.isTTY !== true) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}
