import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { monotonicMs, secondsSince } from './clock';

describe('monotonicMs', () => {
  it('measures elapsed time on the same clock as performance.now', async () => {
    const started = monotonicMs();
    const reference = performance.now();
    await new Promise((r) => setTimeout(r, 30));
    const elapsed = monotonicMs() - started;
    expect(elapsed).toBeGreaterThanOrEqual(25);
    expect(Math.abs(elapsed - (performance.now() - reference))).toBeLessThan(5);
    expect(secondsSince(started)).toBeCloseTo((monotonicMs() - started) / 1e3, 2);
  });

  it('never goes backwards', () => {
    let last = monotonicMs();
    for (let i = 0; i < 10_000; i++) {
      const now = monotonicMs();
      expect(now).toBeGreaterThanOrEqual(last);
      last = now;
    }
  });

  it("loads none of Node's performance API", () => {
    // A fresh Node (the test runner has long loaded perf_hooks) importing this module (Node
    // strips its types).
    const dir = mkdtempSync(join(tmpdir(), 'multivac-clock-'));
    try {
      writeFileSync(
        join(dir, 'check.mjs'),
        `import { monotonicMs } from ${JSON.stringify(join(import.meta.dirname, 'clock.ts'))};
         const perf = () => process.moduleLoadList.filter((m) => m.includes('perf')).length;
         const before = perf();
         const elapsed = monotonicMs() - monotonicMs();
         console.log(JSON.stringify({ added: perf() - before, elapsed: elapsed <= 0 }));`,
      );
      const out = execFileSync(process.execPath, [join(dir, 'check.mjs')], { encoding: 'utf8' });
      expect(JSON.parse(out)).toEqual({ added: 0, elapsed: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
