/**
 * `npm run api`: writes the OpenAPI document, the event catalogue's JSON Schemas and the README's
 * event table from the zod schemas. `npm run api -- --check` changes nothing and fails when a
 * committed file differs from what would be written.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { drift } from './outputs';

const root = resolve(import.meta.dirname, '../..');
const { outputs, changed, stale } = await drift(root);

if (process.argv.includes('--check')) {
  for (const path of [...changed, ...stale]) console.error(`out of date: ${path}`);
  if (changed.length || stale.length) {
    console.error('run `npm run api` and commit the result');
    process.exit(1);
  }
  console.log(`${outputs.length} files up to date`);
} else {
  for (const { path, content } of outputs.filter((o) => changed.includes(o.path))) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  for (const path of stale) rmSync(join(root, path));
  console.log(
    `${outputs.length} files: ${changed.length} written, ${stale.length} removed, the rest unchanged`,
  );
}
