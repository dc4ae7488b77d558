/** Peak memory and CPU time of processes, from Linux's /proc (other systems: unknown). */
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

/** CPU time (user + system) of a process so far, from /proc/<pid>/stat; undefined elsewhere. */
export async function cpuSecondsOf(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  // Fields after the command name (which may hold spaces, inside parentheses): utime is the
  // 14th field of the line, stime the 15th, in clock ticks (100 a second on Linux).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
