/**
 * `npm run services -- install [--quiet]` gets what is missing: redis-server from the system's
 * package manager (where the user may install without a prompt) and FerretDB built with Go.
 * `npm run services -- start` runs Redis and the MongoDB-wire server in the foreground until
 * Ctrl-C.
 */
import { resolve } from 'node:path';
import {
  MissingServiceError,
  ensureRedisServer,
  installFerretdb,
  findFerretdb,
  startServices,
  which,
} from './index';

const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const [command = 'start', dir = '.multivac'] = args.filter((a) => !a.startsWith('--'));
const say = (line: string) => {
  if (!quiet) console.log(line);
};

async function main(): Promise<void> {
  switch (command) {
    case 'install': {
      await ensureRedisServer(process.env, console.log);
      say(`Redis: ${process.env.REDIS_URL ?? which('redis-server')}`);
      if (which('mongod') || process.env.MONGODB_URI) {
        say('MongoDB-wire server: using mongod / MONGODB_URI; nothing to install');
        return;
      }
      const existing = await findFerretdb();
      const ferretdb = existing ?? (await installFerretdb(process.env, console.log));
      say(`FerretDB: ${ferretdb}`);
      return;
    }
    case 'start': {
      const services = await startServices(resolve(dir), { log: console.log });
      console.log(`REDIS_URL=${services.redis.url}  (${services.redis.kind})`);
      console.log(`MONGODB_URI=${services.mongo.uri}  (${services.mongo.kind})`);
      const stop = () => void services.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return;
    }
    default:
      console.error('usage: npm run services -- [install [--quiet] | start [dataDir]]');
      process.exitCode = 2;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof MissingServiceError ? err.message : err);
  process.exitCode = 1;
});
