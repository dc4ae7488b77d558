/** What every benchmark returns: printed as a table, written as JSON under bench/results/. */
export interface BenchResult {
  /** The benchmark's name as given on the command line (`npm run bench -- <name>`). */
  name: string;
  /** One row per measurement; the same keys in every row (the table's columns). */
  rows: Record<string, string | number>[];
  /** Ratios against the in-run baseline, and anything a reader needs to interpret the rows. */
  notes?: string[];
  /**
   * The headline figures for the combined table printed at the end of a run: each a measurement,
   * its value, the in-run baseline it is compared with and the ratio (all already formatted).
   */
  summary?: SummaryLine[];
}

export interface SummaryLine {
  measurement: string;
  value: string;
  baseline?: string;
  ratio?: string;
  /** The target this figure is held to (an issue's goal), when it has one. */
  goal?: string;
}

export interface BenchOptions {
  /** A short run (CI smoke, or a quick look): fewer iterations, same shape of output. */
  quick: boolean;
}

export type Benchmark = (options: BenchOptions) => Promise<BenchResult>;

/**
 * Thrown by a benchmark that cannot run here (for example a function it needs does not exist
 * yet): the run goes on and the combined table says why it was skipped.
 */
export class SkipBenchmark extends Error {
  override name = 'SkipBenchmark';
}
