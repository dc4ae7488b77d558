/** Peak memory of processes, from Linux's /proc (other systems: unknown). */
import { readFile, readdir } from 'node:fs/promises';
import type { Stack } from '../dev/stack';

/** The peak resident set size (VmHWM) of `pid` in KiB, or undefined where /proc cannot tell. */
export async function peakRssKiB(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const match = status && /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) : undefined;
}

/** The direct children of `parent`, with their command lines (Linux only; else none). */
export async function childrenOf(
  parent: number = process.pid,
): Promise<{ pid: number; cmdline: string }[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …; comm may hold spaces and parentheses, so split after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== parent) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    found.push({ pid: Number(entry), cmdline: cmdline.replace(/\0/g, ' ').trim() });
  }
  return found;
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
