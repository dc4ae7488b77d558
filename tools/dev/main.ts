/**
 * `npm start` (and `npm run dev`, which adds `--watch`): the whole MultiVAC on this machine.
 * Options: `--warm` keeps every function running; `--watch` rebuilds and restarts a function when
 * its sources change; `--port <n>` (default PORT or 8080); `--source-maps` runs functions with
 * `--enable-source-maps` (on with `--watch`; it doubles a cold start). Data persists in
 * `.multivac/`.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MissingServiceError } from '../services/index';
import { startStack } from './stack';

const root = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    warm: { type: 'boolean', default: false },
    watch: { type: 'boolean', default: false },
    'source-maps': { type: 'boolean' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});

function banner(url: string, warm: boolean, idleSeconds: number): string {
  return [
    '',
    `MultiVAC is listening on ${url}`,
    warm
      ? 'Functions are kept warm (--warm).'
      : `Functions start on their first request and scale to zero after ${idleSeconds} s idle.`,
    '',
    'Ask the question:',
    `  curl ${url}/multivac`,
    'Feed it a page (any public URL about entropy):',
    `  curl -X PUT ${url}/multivac/data -H 'content-type: application/json' -d '{"url": "https://en.wikipedia.org/wiki/Entropy"}'`,
    'Make it learn, then ask again:',
    `  curl -X POST ${url}/multivac`,
    `  curl ${url}/multivac`,
    'Or do all of it in a browser, in the web console:',
    `  ${url}/`,
    '',
    'Ctrl-C stops everything; data stays in .multivac/.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const idleSeconds = Number(process.env.MULTIVAC_IDLE_SECONDS ?? 300);
  const stack = await startStack({
    root,
    dataDir: resolve(root, values['data-dir'] ?? '.multivac'),
    port: Number(values.port ?? process.env.PORT ?? 8080),
    host: process.env.MULTIVAC_HOST ?? '127.0.0.1',
    warm: values.warm,
    watch: values.watch,
    ...(values['source-maps'] !== undefined ? { sourceMaps: values['source-maps'] } : {}),
    idleSeconds,
  });
  console.log(banner(stack.url, values.warm ?? false, idleSeconds));
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping MultiVAC…`);
    void stack.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(
    err instanceof MissingServiceError
      ? err.message
      : `MultiVAC could not start: ${(err as Error).message ?? err}`,
  );
  process.exit(1);
});
