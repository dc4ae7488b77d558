import type * as z from '../zod/index';
import type { Db } from 'mongodb';
import { parseConfig, type Env } from '../config/parse';
import type { Emit } from '../events/index';
import { createLogger, type Logger } from '../log/index';
import { metricsForProcess, type Metrics } from '../metrics/index';
import { createRedis, type RedisClientOptions, type RedisHandle } from '../redis/index';
import { createStore, ensureIndexesOnce } from '../store/index';
import { lazy } from './lazy';
import { afterListening } from './warm-up';

/** What every function has: its parsed configuration, a logger and the process's metrics. */
export interface FunctionContext<C> {
  name: string;
  config: C;
  log: Logger;
  metrics: Metrics;
}

/** Parses the function's configuration (one readable error on a bad environment). */
export function functionContext<S extends z.core.$ZodType>(
  name: string,
  schema: S,
  env?: Env,
): FunctionContext<z.output<S>> {
  const config = parseConfig(name, schema, env) as z.output<S> & {
    LOG_LEVEL: string;
    K_SERVICE?: string;
  };
  return {
    name,
    config,
    log: createLogger({ service: config.K_SERVICE ?? name, level: config.LOG_LEVEL }),
    metrics: metricsForProcess(name),
  };
}

/**
 * A function's MongoDB database. Called, it is the database with its indexes ensured (once per
 * database and index version): what a write needs, since the unique indexes guard writes.
 * `forReads()` is the database as soon as it is connected: no index makes a read correct, so a
 * cold start's first read does not wait for the index check (a round trip, and node:crypto for the
 * version), which the warm-up then makes once the answer is sent.
 */
export type Database = (() => Promise<Db>) & { forReads(): Promise<Db> };

/**
 * The database, connected right after the server listens (or on first use). Asked of the store on
 * every call (cheap once connected), so a client the store replaced is never kept.
 */
export function databaseFor(
  config: { MONGODB_URI: string; MONGODB_DB: string; MULTIVAC_MONGODB_COMMAND_METRICS?: boolean },
  appName: string,
  metrics?: Metrics,
  /** Connect as soon as the server listens (false: on first use, for a fallback). */
  { early = true }: { early?: boolean } = {},
): Database {
  const commands = (config.MULTIVAC_MONGODB_COMMAND_METRICS ? metrics : undefined)?.counter(
    'multivac_mongodb_commands_total',
    'Commands sent to MongoDB, by command name (driver command monitoring).',
    ['command'],
  );
  const store = createStore({
    uri: config.MONGODB_URI,
    dbName: config.MONGODB_DB,
    appName,
    ...(commands ? { onCommand: (command: string) => commands.inc({ command }) } : {}),
  });
  const indexes = lazy(async () => {
    await ensureIndexesOnce(await store.db());
  });
  const db = async () => {
    await indexes();
    return store.db();
  };
  if (early) afterListening(db);
  return Object.assign(db, { forReads: () => store.db() });
}

/**
 * Publishes to the broker ingress (`K_SINK`), counting what was accepted. The CloudEvents SDK is
 * loaded right after the server listens (or by the first event sent), not at start-up.
 */
export function sinkEmitter(
  config: { K_SINK: string; MULTIVAC_EMIT_TIMEOUT_MS: number },
  metrics: Metrics,
): Emit {
  const emitter = lazy(async () => {
    const { createEmitter } = await import('../events/index');
    return createEmitter({
      sink: config.K_SINK,
      timeoutMs: config.MULTIVAC_EMIT_TIMEOUT_MS,
      onEmitted: (event) => metrics.emitted.inc({ type: event.type }),
    });
  });
  afterListening(emitter);
  return async (events) => (await emitter())(events);
}

/**
 * A Redis client of this process whose commands are counted in
 * `multivac_redis_commands_total` (round trips, by command).
 */
export function redisFor(
  url: string,
  metrics: Metrics,
  options: RedisClientOptions = {},
): RedisHandle {
  const commands = metrics.counter(
    'multivac_redis_commands_total',
    'Commands sent to Redis, by command name (a Lua script is one EVALSHA).',
    ['command'],
  );
  const redis = createRedis(url, {
    ...options,
    onCommand: (command) => commands.inc({ command }),
  });
  afterListening(() => redis.client());
  return redis;
}
