/**
 * `npm run build [-- <name> …]`: per `functions/<name>/`, in `dist/<name>/`: one self-contained
 * esbuild bundle (`function.cjs`, + source map), the start-up that runs it (`index.cjs`), and its
 * V8 code cache made with this Node, by a training run against a Redis and a MongoDB-wire server
 * of its own (tools/build/training.ts); and a size report.
 */
import { resolve } from 'node:path';
import {
  bundleFunction,
  discoverFunctions,
  withTrainingServers,
  type TrainingServers,
} from './index';

const root = resolve(import.meta.dirname, '../..');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
/** The image makes its code cache with the Node it runs (Dockerfile); nothing to make here. */
const codeCache = !process.argv.includes('--no-code-cache');

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

async function main(): Promise<void> {
  const all = await discoverFunctions(root);
  const unknown = wanted.filter((name) => !all.some((fn) => fn.name === name));
  if (unknown.length)
    throw new Error(
      `no such function: ${unknown.join(', ')} (have: ${all.map((f) => f.name).join(', ')})`,
    );
  const chosen = wanted.length ? all.filter((fn) => wanted.includes(fn.name)) : all;
  if (!chosen.length) {
    console.log('nothing to build: no functions/<name>/index.ts yet');
    return;
  }
  const started = performance.now();
  const build = (servers?: TrainingServers) =>
    Promise.all(
      chosen.map((fn) => bundleFunction(fn, root, resolve(root, 'dist'), { codeCache, servers })),
    );
  const reports = codeCache ? await withTrainingServers(build) : await build();
  for (const r of reports) {
    console.log(
      `${r.name.padEnd(10)} ${r.kind.padEnd(10)} ${kib(r.bytes).padStart(9)} (code cache ${kib(r.codeCacheBytes ?? 0)})${r.drivers ? `, drivers ${kib(r.drivers.bytes)} (${r.drivers.names.join(', ')})` : ''}  ${r.largest.map((l) => `${l.path} ${kib(l.bytes)}`).join(', ')}`,
    );
  }
  console.log(
    `built ${reports.length} bundle(s) in dist/ in ${Math.round(performance.now() - started)} ms`,
  );
}

main().catch((err: unknown) => {
  console.error((err as Error).message ?? err);
  process.exitCode = 1;
});
