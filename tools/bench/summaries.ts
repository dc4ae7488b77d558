/** Headline figures for benchmarks whose results do not carry a `summary` themselves. */
import type { Benchmark } from './types';

/** Cold start: each function's median time to first answer against the bare Node server. */
export function coldstartSummary(run: Benchmark): Benchmark {
  return async (options) => {
    const result = await run(options);
    const bare = result.rows.find((r) => String(r.target).startsWith('bare'));
    return {
      ...result,
      summary: result.rows
        .filter((r) => r !== bare)
        .map((r) => ({
          measurement: `cold start ${r.target}, median`,
          value: `${r['median ms']} ms`,
          baseline: bare ? `${bare['median ms']} ms bare node` : '',
          ratio: String(r['vs baseline'] ?? ''),
        })),
    };
  };
}
