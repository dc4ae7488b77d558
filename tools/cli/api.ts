import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { CliError, ExitCode } from './errors';
import { retryAfterSeconds } from './retry-after';

/** A response read to the end. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface RequestInit {
  headers?: Record<string, string>;
  body?: string;
}

export interface ApiOptions {
  /** The server, e.g. `http://localhost:8080` (paths are appended to it). */
  base: string;
  /** Names the server in messages: "MultiVAC", "the broker's admin API". */
  name: string;
  /** Told before each wait a `429` or `503` asked for (`Retry-After`). */
  onWait?: (seconds: number, status: number, detail: string) => void;
  /** Waits one request may take before it gives up (default 10). */
  maxWaits?: number;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** Ends a request and any wait at once (Ctrl-C). */
  signal?: AbortSignal;
}

/** A client of one HTTP server: unreachable → exit 3, waits where the server asks for it. */
export interface Api {
  readonly base: string;
  /** Any status back, after honouring `429`/`503` + `Retry-After`; throws only when unreachable. */
  send(method: string, path: string, init?: RequestInit): Promise<ApiResponse>;
  /**
   * The JSON of a 2xx, checked against `schema`; a 4xx throws a refusal (exit 4), anything else
   * "unavailable" (exit 3).
   */
  json<S extends z.core.$ZodType>(
    schema: S,
    method: string,
    path: string,
    init?: RequestInit,
  ): Promise<z.output<S>>;
}

/** The `detail` of a problem+json body, else the start of the body's text. */
export function detailOf(res: ApiResponse): string {
  try {
    const body = JSON.parse(res.text) as { detail?: unknown };
    if (typeof body.detail === 'string') return body.detail;
  } catch {
    // not JSON: the text says it
  }
  const text = res.text.replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 299)}…` : text || `status ${res.status}`;
}

const describeFailure = (err: unknown): string => {
  const error = err as Error & { cause?: Error & { code?: string } };
  if (error.name === 'TimeoutError') return 'no answer in time';
  return error.cause?.message ?? error.message;
};

export function createApi(options: ApiOptions): Api {
  const { name, onWait, maxWaits = 10, timeoutMs = 30_000, signal } = options;
  const base = options.base.replace(/\/+$/, '');

  async function attempt(method: string, path: string, init: RequestInit): Promise<ApiResponse> {
    const url = `${base}${path}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const res = await fetch(url, {
        method,
        headers: init.headers,
        body: init.body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      return { status: res.status, headers: res.headers, text: await res.text() };
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new CliError(
        ExitCode.unreachable,
        `cannot reach ${name} at ${base}: ${describeFailure(err)}`,
        { cause: err },
      );
    }
  }

  async function send(method: string, path: string, init: RequestInit = {}) {
    for (let waits = 0; ; waits++) {
      const res = await attempt(method, path, init);
      const seconds = retryAfterSeconds(res.headers.get('retry-after'));
      if ((res.status !== 429 && res.status !== 503) || seconds === undefined || waits >= maxWaits)
        return res;
      onWait?.(seconds, res.status, detailOf(res));
      await sleep(seconds * 1000, undefined, signal ? { signal } : {});
    }
  }

  async function json<S extends z.core.$ZodType>(
    schema: S,
    method: string,
    path: string,
    init: RequestInit = {},
  ): Promise<z.output<S>> {
    const res = await send(method, path, {
      ...init,
      headers: { accept: 'application/json', ...init.headers },
    });
    if (res.status >= 400 && res.status < 500)
      throw new CliError(ExitCode.refused, `${method} ${path}: ${res.status} ${detailOf(res)}`);
    if (res.status < 200 || res.status >= 300)
      throw new CliError(
        ExitCode.unreachable,
        `${name} is unavailable: ${method} ${path} answered ${res.status} ${detailOf(res)}`,
      );
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      body = undefined;
    }
    const parsed = z.safeParse(schema, body);
    if (!parsed.success)
      throw new CliError(
        ExitCode.unreachable,
        `${method} ${base}${path} did not answer as ${name} does: is that the right URL?`,
      );
    return parsed.data;
  }

  return { base, send, json };
}
