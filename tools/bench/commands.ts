/**
 * Round trips to the data stores during a benchmark, as the servers count them, so that the
 * measured processes carry no instrumentation (the MongoDB driver's command monitoring builds
 * every reply as plain objects, which moved learn's and data's peak RSS by up to 25 MiB): MongoDB's
 * `serverStatus().metrics.commands` (mongod and FerretDB both keep it) and Redis's
 * `INFO commandstats` (which also counts the calls a Lua script makes). Redis round trips as the
 * clients sent them (a script is one EVALSHA) come from the functions' own counters.
 */
import { MongoClient } from 'mongodb';
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

/**
 * Not the pages' work: connection handshakes (FerretDB counts the driver's first `hello`, sent as
 * OP_QUERY, as "unknown"), health pings, sessions ended at close, and the benchmark's own reading.
 */
const CONNECTION_COMMANDS = new Set([
  'hello',
  'isMaster',
  'ismaster',
  'unknown',
  'ping',
  'endSessions',
  'serverStatus',
]);

/** `serverStatus().metrics.commands` as calls per command, without CONNECTION_COMMANDS. */
export function serverStatusCommands(status: {
  metrics?: { commands?: Record<string, unknown> };
}): Counts {
  const out: Counts = new Map();
  for (const [name, stats] of Object.entries(status.metrics?.commands ?? {})) {
    const total = Number((stats as { total?: unknown } | null)?.total);
    if (!CONNECTION_COMMANDS.has(name) && Number.isFinite(total) && total > 0) out.set(name, total);
  }
  return out;
}

/** MongoDB commands the server has run so far, as it counts them. */
export async function mongoServerCommands(uri: string): Promise<Counts> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.connect();
    return serverStatusCommands(await client.db('admin').command({ serverStatus: 1 }));
  } finally {
    await client.close();
  }
}

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
