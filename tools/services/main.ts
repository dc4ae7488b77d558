/**
 * `npm run services -- install` builds what is missing (FerretDB); `npm run services -- start`
 * runs Redis and the MongoDB-wire server in the foreground until Ctrl-C.
 */
import { resolve } from 'node:path';
import { MissingServiceError, installFerretdb, findFerretdb, startServices, which } from './index';

const [command = 'start', dir = '.multivac'] = process.argv.slice(2);

async function main(): Promise<void> {
  switch (command) {
    case 'install': {
      if (!which('redis-server') && !process.env.REDIS_URL) {
        console.warn(
          'note: redis-server is not on PATH (Debian/Ubuntu: sudo apt-get install redis-server)',
        );
      }
      if (which('mongod') || process.env.MONGODB_URI) {
        console.log('MongoDB-wire server: using mongod / MONGODB_URI; nothing to install');
        return;
      }
      const existing = await findFerretdb();
      console.log(`FerretDB: ${existing ?? (await installFerretdb(process.env, console.log))}`);
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
      console.error('usage: npm run services -- [install | start [dataDir]]');
      process.exitCode = 2;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof MissingServiceError ? err.message : err);
  process.exitCode = 1;
});
