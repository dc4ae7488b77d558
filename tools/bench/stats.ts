/** The p-th percentile (0–100) of `values` by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

/** `a / b` rounded for a report, e.g. "3.4×". */
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
