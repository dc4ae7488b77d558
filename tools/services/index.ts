/**
 * The embedded defaults (docs/architecture.md#local-stack): a Redis and a MongoDB-wire server for
 * `npm start`, the tests and CI. Tools only; function code never imports this.
 */
import { join } from 'node:path';
import { startMongo, type MongoService } from './mongo';
import { startRedis, type RedisService } from './redis';

export { MissingServiceError } from './errors';
export { FERRETDB_VERSION, findFerretdb, installFerretdb } from './ferretdb';
export { startMongo, pingMongo, type MongoService, type MongoKind } from './mongo';
export { startRedis, pingRedis, type RedisService } from './redis';
export { freePort, isListening } from './ports';
export { cacheDir, which } from './paths';
export { supervise, type SupervisedProcess, type SuperviseOptions } from './supervise';
export {
  ensureRedisServer,
  findInstaller,
  redisInstallCommands,
  REDIS_HINT,
} from './system-packages';
export {
  relaunch,
  restartServer,
  spawnServer,
  waitUntil,
  type RestartOptions,
  type ServerProcess,
} from './child';

export interface Services {
  redis: RedisService;
  mongo: MongoService;
  stop(): Promise<void>;
}

/**
 * Starts both servers under `dataDir` (`redis/`, `mongo/`); stop() stops what was started. A
 * server started here that dies is started again by itself, and `log` hears of it.
 */
export async function startServices(
  dataDir: string,
  { env = process.env, log }: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): Promise<Services> {
  const redis = await startRedis({ dataDir: join(dataDir, 'redis'), env, ...(log ? { log } : {}) });
  let mongo: MongoService;
  try {
    mongo = await startMongo({ dataDir: join(dataDir, 'mongo'), env, ...(log ? { log } : {}) });
  } catch (err) {
    await redis.stop();
    throw err;
  }
  return {
    redis,
    mongo,
    stop: async () => {
      await Promise.all([redis.stop(), mongo.stop()]);
    },
  };
}
