/** Peak memory of processes, from Linux's /proc (other systems: unknown). */
import { readFile } from 'node:fs/promises';
import type { Stack } from '../dev/stack';

/** The peak resident set size (VmHWM) of `pid` in KiB, or undefined where /proc cannot tell. */
export async function peakRssKiB(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const match = status && /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) : undefined;
}

/**
 * Peak RSS in MiB of every running function of `stack`, of its broker and of this process (which
 * runs the gateway and the benchmark's own client side), as table columns.
 */
export async function stackPeakRss(
  stack: Stack,
  only?: readonly string[],
): Promise<Record<string, string>> {
  const mib = (kib: number | undefined) => (kib === undefined ? 'n/a' : (kib / 1024).toFixed(0));
  const out: Record<string, string> = {};
  for (const [name, fn] of stack.functions) {
    if (only && !only.includes(name)) continue;
    out[name] = mib(await peakRssKiB(fn.pid));
  }
  out.broker = mib(await peakRssKiB(stack.broker.pid));
  out['gateway+bench'] = mib(await peakRssKiB(process.pid));
  return out;
}
