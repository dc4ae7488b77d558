/** What every benchmark returns: printed as a table, written as JSON under bench/results/. */
export interface BenchResult {
  /** The benchmark's name as given on the command line (`npm run bench -- <name>`). */
  name: string;
  /** One row per measurement; the same keys in every row (the table's columns). */
  rows: Record<string, string | number>[];
  /** Ratios against the in-run baseline, and anything a reader needs to interpret the rows. */
  notes?: string[];
}

export interface BenchOptions {
  /** A short run (CI smoke, or a quick look): fewer iterations, same shape of output. */
  quick: boolean;
}

export type Benchmark = (options: BenchOptions) => Promise<BenchResult>;
