#!/usr/bin/env node
// The `multivac` command (package.json "bin"). In a checkout it runs the TypeScript sources of
// tools/cli through tsx, so it is always current without a build. An installed package has
// neither the sources nor tsx (a devDependency): it runs dist/cli/multivac.cjs, the self-contained
// bundle that `npm pack` builds (prepack → npm run build:cli).
/* global process, console, URL -- Node's globals (eslint's recommended set knows none) */
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const sources = new URL('tools/cli/run.ts', root);
const bundle = new URL('dist/cli/multivac.cjs', root);

async function load() {
  if (existsSync(sources)) {
    let tsx;
    try {
      tsx = await import('tsx/esm/api');
    } catch {
      tsx = undefined; // a checkout installed without devDependencies: use the bundle if built
    }
    if (tsx) return tsx.tsImport(sources.href, import.meta.url);
  }
  if (existsSync(bundle)) return import(bundle.href);
  console.error('multivac: run `npm ci` (or `npm run build:cli`) in the repository first');
  process.exit(2);
}

const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const { run } = await load();
// The one place the command reads its environment: it hands it to the command.
// eslint-disable-next-line no-restricted-properties
const env = process.env;
const terminal = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env };
process.exitCode = await run(process.argv.slice(2), terminal, version);
