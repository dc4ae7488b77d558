import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServices } from '../services/index';

/**
 * The servers a code cache's training run talks to (`node index.cjs --write-code-cache`): with
 * them, the function's first requests connect and query, so the drivers' code for a handshake, a
 * command and its reply is compiled into the cache too, not on a cold start's first request.
 */
export interface TrainingServers {
  redisUrl: string;
  mongoUri: string;
}

/**
 * Runs `work` with a Redis and a MongoDB-wire server of its own (tools/services, in a temporary
 * directory, stopped after): the training writes its own data, never into servers someone uses.
 * Where they cannot be started (no redis-server or FerretDB here), `work` gets none, and `say`
 * hears why: the cache is then made without them, as before.
 */
export async function withTrainingServers<T>(
  work: (servers: TrainingServers | undefined) => Promise<T>,
  say: (line: string) => void = console.log,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'multivac-code-cache-'));
  const env = { ...process.env };
  // Servers of its own, even where the environment names others.
  delete env.REDIS_URL;
  delete env.MONGODB_URI;
  const services = await startServices(dir, { env }).catch((err: unknown) => {
    say(
      `code cache: made without Redis and MongoDB (${(err as Error).message}); a cold start's first request compiles the drivers' code for a connection`,
    );
    return undefined;
  });
  try {
    return await work(services && { redisUrl: services.redis.url, mongoUri: services.mongo.uri });
  } finally {
    await services?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
