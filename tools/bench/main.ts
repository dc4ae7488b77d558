/**
 * `npm run bench [-- <name> … ] [--quick]`: runs benchmarks one after another, prints each one's
 * table as it finishes and then one combined table of the headline figures, and writes JSON under
 * bench/results/ (one file per benchmark and one for the run). Every benchmark measures its own
 * baseline in the same run on the same machine and reports ratios against it. A benchmark that
 * cannot run here yet (SkipBenchmark) is listed as skipped; one that fails is listed as failed and
 * makes the exit code 1, but the others still run. Names: see BENCHMARKS.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { coldstartSummary } from './summaries';
import { combinedTable, machine, save, saveRun, table, type Outcome } from './report';
import { SkipBenchmark, type Benchmark } from './types';

const root = resolve(import.meta.dirname, '../..');

/** Loaded lazily so that one benchmark's imports never slow another's start. */
const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  coldstart: async () => coldstartSummary((await import('./coldstart')).run),
  broker: async () => (await import('./broker')).run,
  http: async () => (await import('./http')).run,
  pipeline: async () => (await import('./pipeline')).run,
  store: async () => (await import('./store')).run,
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
  const header = `MultiVAC benchmarks — ${m.date}, ${m.cpu} × ${m.cores}, Node ${m.node}${quick ? ' (quick)' : ''}`;
  console.log(`${header}\n`);
  const outcomes: Outcome[] = [];
  for (const name of chosen) {
    const started = performance.now();
    const seconds = () => Math.round((performance.now() - started) / 100) / 10;
    console.log(`… ${name}`);
    try {
      const run = await BENCHMARKS[name]!();
      const result = await run({ quick });
      outcomes.push({ name, result, seconds: seconds() });
      console.log(`${table(result)}\n  (${seconds()} s)`);
      console.log(`  → ${await save(root, result, quick)}\n`);
    } catch (err) {
      if (err instanceof SkipBenchmark) {
        outcomes.push({ name, skipped: err.message, seconds: seconds() });
        console.log(`  skipped: ${err.message}\n`);
      } else {
        outcomes.push({ name, error: (err as Error).message ?? String(err), seconds: seconds() });
        console.error(`  FAILED: ${(err as Error).stack ?? String(err)}\n`);
        process.exitCode = 1;
      }
    }
  }
  console.log(`${header}\n${combinedTable(outcomes)}\n`);
  console.log(`→ ${await saveRun(root, outcomes, quick)}`);
}

main().catch((err: unknown) => {
  console.error((err as Error).stack ?? err);
  process.exitCode = 1;
});
