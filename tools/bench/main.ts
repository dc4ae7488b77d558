/**
 * `npm run bench [-- <name> … ] [--quick]`: runs benchmarks, prints a table per benchmark and
 * writes JSON under bench/results/. Every benchmark measures its own baseline in the same run on
 * the same machine and reports ratios against it. Names: see BENCHMARKS.
 */
import { resolve } from 'node:path';
import { machine, save, table } from './report';
import type { Benchmark } from './types';

const root = resolve(import.meta.dirname, '../..');

/** Loaded lazily so that one benchmark's imports never slow another's start. */
const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  coldstart: async () => (await import('./coldstart')).run,
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length)
    throw new Error(
      `unknown benchmark(s): ${unknown.join(', ')}; have: ${Object.keys(BENCHMARKS).join(', ')}`,
    );
  const chosen = names.length ? names : Object.keys(BENCHMARKS);
  const m = machine();
  console.log(
    `MultiVAC benchmarks — ${m.date}, ${m.cpu} × ${m.cores}, Node ${m.node}${quick ? ' (quick)' : ''}\n`,
  );
  for (const name of chosen) {
    const run = await BENCHMARKS[name]!();
    const result = await run({ quick });
    console.log(`${table(result)}\n`);
    console.log(`  → ${await save(root, result, quick)}\n`);
  }
}

main().catch((err: unknown) => {
  console.error((err as Error).stack ?? err);
  process.exitCode = 1;
});
