import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { BenchResult, SummaryLine } from './types';

type Cell = string | number | undefined;

/** A plain-text table: the first `left` columns left-aligned, the others right-aligned. */
export function grid(
  columns: readonly string[],
  rows: readonly Record<string, Cell>[],
  left = 1,
): string[] {
  const cell = (v: Cell) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : (v ?? '');
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i < left ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line([...columns]),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
  ];
}

/** A plain-text table of a result's rows. */
export function table(result: BenchResult): string {
  if (!result.rows.length) return `${result.name}: (no rows)`;
  return [
    `## ${result.name}`,
    ...grid(Object.keys(result.rows[0]!), result.rows),
    ...(result.notes ?? []).map((n) => `  ${n}`),
  ].join('\n');
}

/** How one benchmark of a run ended. */
export interface Outcome {
  name: string;
  seconds: number;
  result?: BenchResult;
  /** Why it did not run (SkipBenchmark). */
  skipped?: string;
  /** Why it failed. */
  error?: string;
}

/**
 * The one table of a whole run: every benchmark's headline figures (its `summary`, or one line
 * per row when it has none) next to their in-run baselines, and what was skipped or failed.
 */
export function combinedTable(outcomes: readonly Outcome[]): string {
  const rows: Record<string, string>[] = [];
  for (const o of outcomes) {
    if (o.skipped !== undefined || o.error !== undefined) {
      const why = o.skipped !== undefined ? `skipped: ${o.skipped}` : `FAILED: ${o.error}`;
      rows.push({ benchmark: o.name, measurement: why.split('\n')[0]!.slice(0, 100) });
      continue;
    }
    const lines = o.result?.summary ?? fallbackSummary(o.result);
    lines.forEach((s, i) =>
      rows.push({
        benchmark: i === 0 ? o.name : '',
        measurement: s.measurement,
        value: s.value,
        baseline: s.baseline ?? '',
        ratio: s.ratio ?? '',
        goal: s.goal ?? '',
      }),
    );
  }
  return [
    '# Summary',
    ...grid(['benchmark', 'measurement', 'value', 'baseline', 'ratio', 'goal'], rows, 2),
  ]
    .join('\n')
    .trimEnd();
}

/** Without a summary: each row's first column and the rest of it, compactly. */
function fallbackSummary(result: BenchResult | undefined): SummaryLine[] {
  return (result?.rows ?? []).map((row) => {
    const [first, ...rest] = Object.entries(row);
    return {
      measurement: String(first?.[1] ?? ''),
      value: rest.map(([k, v]) => `${k} ${v}`).join(', '),
    };
  });
}

/** The machine the numbers come from, written next to them. */
export function machine() {
  const cpu = cpus()[0];
  return {
    date: new Date().toISOString(),
    cpu: cpu?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: process.platform,
  };
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/** Writes `bench/results/<date>-<name>.json`. */
export async function save(root: string, result: BenchResult, quick: boolean): Promise<string> {
  const dir = join(root, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${stamp()}-${result.name}.json`);
  await writeFile(file, JSON.stringify({ ...result, quick, machine: machine() }, null, 2));
  return file;
}

/** Writes the whole run (every outcome and the combined table) to `bench/results/<date>-run.json`. */
export async function saveRun(
  root: string,
  outcomes: readonly Outcome[],
  quick: boolean,
): Promise<string> {
  const dir = join(root, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${stamp()}-run.json`);
  await writeFile(
    file,
    JSON.stringify(
      { quick, machine: machine(), summary: combinedTable(outcomes), outcomes },
      null,
      2,
    ),
  );
  return file;
}
