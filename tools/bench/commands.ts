/**
 * Round trips to the data stores during a benchmark: MongoDB commands as every function's driver
 * counted them (`multivac_mongodb_commands_total`, from its command monitoring), Redis commands as
 * the server counted them (`INFO commandstats`, which also counts the calls a Lua script makes).
 */
import { Redis } from 'ioredis';
import type { Stack } from '../dev/stack';

export type Counts = Map<string, number>;

/** The sum of one Prometheus counter by its `command` label, from a metrics page's text. */
export function countersByCommand(text: string, metric: string): Counts {
  const out: Counts = new Map();
  const line = new RegExp(`^${metric}\\{([^}]*)\\}\\s+([0-9.e+]+)$`, 'gm');
  for (const [, labels, value] of text.matchAll(line)) {
    const command = /(?:^|,)command="([^"]*)"/.exec(labels!)?.[1];
    if (command) out.set(command, (out.get(command) ?? 0) + Number(value));
  }
  return out;
}

/** `INFO commandstats` as calls per command (`cmdstat_xadd:calls=3,…` → xadd: 3). */
export function commandstats(info: string): Counts {
  const out: Counts = new Map();
  for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    out.set(name!, Number(calls));
  return out;
}

/** One counter summed over every running function of the stack and its broker. */
async function stackCounter(stack: Stack, metric: string): Promise<Counts> {
  const total: Counts = new Map();
  const urls = [...stack.functions.values()].map((fn) => fn.metricsUrl);
  for (const url of [...urls, stack.broker.metricsUrl]) {
    if (!url) continue;
    const text = await fetch(url).then(
      (r) => r.text(),
      () => '',
    );
    for (const [k, v] of countersByCommand(text, metric)) total.set(k, (total.get(k) ?? 0) + v);
  }
  return total;
}

/** MongoDB commands sent so far by every running process of the stack. */
export const mongoCommands = (stack: Stack) =>
  stackCounter(stack, 'multivac_mongodb_commands_total');

/** Redis commands (round trips: a script is one EVALSHA) sent so far by the stack's processes. */
export const redisClientCommands = (stack: Stack) =>
  stackCounter(stack, 'multivac_redis_commands_total');

/** Starts Redis's command counts from zero. */
export async function resetRedisCounts(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true });
  await redis.connect();
  await redis.config('RESETSTAT');
  await redis.quit();
}

/**
 * Redis's own command counts since the last reset (calls made inside Lua scripts included),
 * without the benchmark's INFO/CONFIG calls.
 */
export async function redisServerCommands(url: string): Promise<Counts> {
  const redis = new Redis(url, { lazyConnect: true });
  await redis.connect();
  const counts = commandstats(await redis.info('commandstats'));
  await redis.quit();
  for (const own of ['info', 'config|resetstat']) counts.delete(own);
  return counts;
}

/** `after − before`, per command, dropping zeros. */
export function difference(after: Counts, before: Counts = new Map()): Counts {
  const out: Counts = new Map();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d > 0) out.set(k, d);
  }
  return out;
}

export const sum = (counts: Counts) => [...counts.values()].reduce((a, b) => a + b, 0);

/** "find 6.4, insert 4.7, …" per page, largest first. */
export function perPage(counts: Counts, pages: number, top = 6): string {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${k} ${(v / pages).toFixed(1)}`)
    .join(', ');
}
