import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './types';

/** A plain-text table of a result's rows. */
export function table(result: BenchResult): string {
  if (!result.rows.length) return `${result.name}: (no rows)`;
  const columns = Object.keys(result.rows[0]!);
  const cell = (v: string | number | undefined) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : (v ?? '');
  const widths = columns.map((c) =>
    Math.max(c.length, ...result.rows.map((r) => cell(r[c]).length)),
  );
  const line = (values: string[]) =>
    values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [
    `## ${result.name}`,
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...result.rows.map((r) => line(columns.map((c) => cell(r[c])))),
    ...(result.notes ?? []).map((n) => `  ${n}`),
  ].join('\n');
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

/** Writes `bench/results/<date>-<name>.json`. */
export async function save(root: string, result: BenchResult, quick: boolean): Promise<string> {
  const dir = join(root, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `${stamp}-${result.name}.json`);
  await writeFile(file, JSON.stringify({ ...result, quick, machine: machine() }, null, 2));
  return file;
}
