import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { MissingServiceError, startServices } from '../../tools/services/index';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    mongoUri: string;
    mongoKind: string;
  }
}

/**
 * One real Redis and one real MongoDB-wire server per test project, resolved exactly as
 * `npm start` does, in a throw-away directory. Test files isolate themselves by database name
 * and key prefix (test/support/isolation.ts).
 */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'multivac-test-'));
  let services;
  try {
    services = await startServices(dir, { log: (line) => console.log(line) });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    if (err instanceof MissingServiceError) throw new Error(err.message, { cause: err });
    throw err;
  }
  project.provide('redisUrl', services.redis.url);
  project.provide('mongoUri', services.mongo.uri);
  project.provide('mongoKind', services.mongo.kind);
  return async () => {
    await services.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
