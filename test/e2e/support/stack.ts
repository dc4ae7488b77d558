import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startStack, type Stack } from '../../../tools/dev/stack';
import { uniqueDbName, uniquePrefix } from '../../support/isolation';

export const root = resolve(import.meta.dirname, '../../..');

export interface TestStack extends Stack {
  /** Every line the stack printed (prefixed by function name), since it started. */
  lines: string[];
  /** The last `count` lines, for a failure message. */
  tail(count?: number): string;
  /** A request to the gateway (`path` like `/multivac`), given up after 30 s. */
  call(path: string, init?: RequestInit): Promise<Response>;
}

/** For `afterEach`: prints the last lines of the stack when a test failed. */
export const tailOnFailure =
  (stack: () => TestStack | undefined) =>
  (context: { task: { result?: { state?: string } } }): void => {
    const current = stack();
    if (context.task.result?.state === 'fail' && current)
      console.log(`--- last lines of the stack ---\n${current.tail(80)}`);
  };

/**
 * Starts MultiVAC exactly as `npm start` does (tools/dev/main.ts → startStack), on a free port,
 * with its data in `dataDir`; its output is kept in memory and in `<dataDir>/stack.log`.
 */
export async function startTestStack(options: {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  idleSeconds: number;
}): Promise<TestStack> {
  const lines: string[] = [];
  const logFile = join(options.dataDir, 'stack.log');
  const out = (line: string) => {
    lines.push(line);
    try {
      appendFileSync(logFile, `${line}\n`);
    } catch {
      // the data directory may already be gone while the last lines arrive
    }
    if (process.env.MULTIVAC_E2E_VERBOSE) console.log(line);
  };
  const stack = await startStack({
    root,
    dataDir: options.dataDir,
    port: 0,
    host: '127.0.0.1',
    warm: false,
    watch: false,
    idleSeconds: options.idleSeconds,
    env: options.env,
    out,
  });
  return Object.assign(stack, {
    lines,
    tail: (count = 60) => lines.slice(-count).join('\n'),
    call: (path: string, init?: RequestInit) =>
      fetch(`${stack.url}${path}`, { ...init, signal: AbortSignal.timeout(30_000) }),
  });
}

/**
 * The environment of a stack that fetches the local test corpus and keeps out of other tests'
 * data, where REDIS_URL or MONGODB_URI point at a shared server: its own database, cache prefix
 * and event stream, all named after `name`.
 */
export function isolatedStackEnv(name: string, dbName = uniqueDbName(name)): NodeJS.ProcessEnv {
  return {
    ...process.env,
    MULTIVAC_FETCH_ALLOWED_CIDRS: '127.0.0.1/32',
    MONGODB_DB: dbName,
    MULTIVAC_CACHE_PREFIX: uniquePrefix(name).replaceAll(':', '.'),
    MULTIVAC_STREAM: `${uniquePrefix(name)}:events`,
    LOG_LEVEL: 'info',
  };
}

/** Polls `probe` every `everyMs` until it returns a value other than undefined. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 30_000, everyMs = 250 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what}: not within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
