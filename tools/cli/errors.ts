/**
 * The `multivac` command's exit codes, documented in the README ("Command line"): a script can
 * tell a refused URL from an unreachable server from an answer that is still insufficient.
 */
export const ExitCode = Object.freeze({
  /** Done; `ask` and `learn --wait`: the answer is an answer. */
  ok: 0,
  /** The job failed, or the answer is still insufficient, or a re-drive skipped a named letter. */
  failed: 1,
  /** Bad arguments: unknown command or option, a missing URL, an unreadable file. */
  usage: 2,
  /** MultiVAC (or the broker's admin API) cannot be reached or is unavailable (5xx). */
  unreachable: 3,
  /** MultiVAC refused input (4xx): a URL it will not fetch, an unknown job. */
  refused: 4,
  /** Interrupted (Ctrl-C) while waiting; the job itself goes on. */
  interrupted: 130,
} as const);

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the command reports in one line and turns into its exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
