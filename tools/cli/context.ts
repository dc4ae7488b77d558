import type { Command } from 'commander';
import { createApi, type Api } from './api';
import { CliError, ExitCode } from './errors';
import { warn, type Terminal } from './terminal';

/** Where MultiVAC is when neither `--url` nor `MULTIVAC_URL` says (what `npm start` serves). */
export const DEFAULT_URL = 'http://localhost:8080';

/** What every command is given: the terminal, its API clients, and how to set the exit code. */
export interface Cli {
  terminal: Terminal;
  /** MultiVAC's HTTP API at `--url`, else `MULTIVAC_URL`, else {@link DEFAULT_URL}. */
  multivac(command: Command, signal?: AbortSignal): Api;
  /** An API at `url` (the broker's admin API), named `name` in messages. */
  apiAt(url: string, name: string, signal?: AbortSignal): Api;
  /** The exit code of the command (0 unless set). */
  exit(code: ExitCode): void;
}

/** Checks a server URL given by the user: http or https, nothing else (exit 2 otherwise). */
export function serverUrl(value: string, where: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(ExitCode.usage, `${where}: ${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(ExitCode.usage, `${where}: ${value} is not an http or https URL`);
  return url.href.replace(/\/+$/, '');
}

export function createCli(terminal: Terminal, exit: (code: ExitCode) => void): Cli {
  const apiAt = (url: string, name: string, signal?: AbortSignal) =>
    createApi({
      base: url,
      name,
      ...(signal ? { signal } : {}),
      onWait: (seconds, status, detail) =>
        warn(terminal, `${name} answered ${status}, waiting ${seconds} s as asked: ${detail}`),
    });
  return {
    terminal,
    apiAt,
    multivac(command, signal) {
      const option = command.optsWithGlobals<{ url?: string }>().url;
      const url =
        option !== undefined
          ? serverUrl(option, '--url')
          : terminal.env.MULTIVAC_URL
            ? serverUrl(terminal.env.MULTIVAC_URL, 'MULTIVAC_URL')
            : DEFAULT_URL;
      return apiAt(url, 'MultiVAC', signal);
    },
    exit,
  };
}
