import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { spawnServer, waitUntil, type RestartOptions, type ServerProcess } from './child';
import { MissingServiceError } from './errors';
import { findFerretdb, installFerretdb } from './ferretdb';
import { which } from './paths';
import { freePort } from './ports';
import { supervise } from './supervise';

export type MongoKind = 'external' | 'mongod' | 'ferretdb' | 'mongodb-memory-server';

export interface MongoService {
  uri: string;
  kind: MongoKind;
  port?: number;
  /** The running server (a new one after every restart, on purpose or after a crash). */
  readonly process?: ServerProcess;
  stop(): Promise<void>;
  /** Fault tests: stop, wait, start again on the same port and data (mongod and FerretDB only). */
  restart?(options?: RestartOptions): Promise<void>;
}

export interface MongoOptions {
  dataDir: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
  /** Build FerretDB with Go when it is missing (default true). */
  install?: boolean;
  /** Progress of a FerretDB build, and the supervisor's word when the server died and came back. */
  log?: (line: string) => void;
}

/** Answers when the server replies to `ping` through the official driver. */
export async function pingMongo(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.connect();
    const reply = await client.db('admin').command({ ping: 1 });
    return reply.ok === 1;
  } finally {
    await client.close().catch(() => {});
  }
}

/** Starts `binary` on a port and keeps it running (`supervise`): a server that dies comes back. */
async function startProcess(
  kind: 'mongod' | 'ferretdb',
  binary: string,
  args: (port: number) => string[],
  options: MongoOptions,
): Promise<MongoService> {
  const { dataDir, port } = options;
  const chosen = port ?? (await freePort());
  const uri = `mongodb://127.0.0.1:${chosen}/`;
  const launch = async () => {
    const child = spawnServer(binary, args(chosen), join(dataDir, `${kind}.log`));
    try {
      await waitUntil(kind, () => pingMongo(uri), { exited: child.exited, timeoutMs: 60_000 });
    } catch (err) {
      await child.kill();
      throw err;
    }
    return child;
  };
  const server = supervise(launch, await launch(), { name: kind, log: options.log ?? (() => {}) });
  return {
    uri,
    kind,
    port: chosen,
    get process() {
      return server.process;
    },
    stop: () => server.stop(),
    restart: (options) => server.restart(options),
  };
}

/**
 * The MongoDB-wire server, in the order docs/architecture.md#local-stack gives: MONGODB_URI; a
 * `mongod` on PATH; FerretDB (SQLite handler; built with Go into the cache when missing);
 * mongodb-memory-server when it is installed and can fetch its binary. Anything else ends in one
 * line saying how to get one.
 */
export async function startMongo(options: MongoOptions): Promise<MongoService> {
  const { dataDir, env = process.env, install = true, log } = options;
  if (env.MONGODB_URI) return { uri: env.MONGODB_URI, kind: 'external', stop: async () => {} };
  await mkdir(dataDir, { recursive: true });

  const mongod = which('mongod', env);
  if (mongod) {
    const dbPath = join(dataDir, 'mongod');
    await mkdir(dbPath, { recursive: true });
    return startProcess(
      'mongod',
      mongod,
      (port) => ['--dbpath', dbPath, '--bind_ip', '127.0.0.1', '--port', String(port), '--quiet'],
      options,
    );
  }

  let ferretdb = await findFerretdb(env);
  if (!ferretdb && install && which('go', env)) ferretdb = await installFerretdb(env, log);
  if (ferretdb) {
    const sqliteDir = join(dataDir, 'ferretdb');
    await mkdir(sqliteDir, { recursive: true });
    return startProcess(
      'ferretdb',
      ferretdb,
      (port) => [
        '--handler=sqlite',
        `--sqlite-url=file:${sqliteDir}/`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${dataDir}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ],
      options,
    );
  }

  const memory = await startMemoryServer(dataDir).catch(() => undefined);
  if (memory) return memory;

  throw new MissingServiceError(
    'no MongoDB-wire server: install Go (https://go.dev/dl) so FerretDB can be built (npm run services -- install), put mongod on PATH, or set MONGODB_URI',
  );
}

/** mongodb-memory-server, only if the project has it installed (it is optional). */
async function startMemoryServer(dataDir: string): Promise<MongoService | undefined> {
  const name = 'mongodb-memory-server';
  const mod = (await import(/* @vite-ignore */ name).catch(() => undefined)) as
    | {
        MongoMemoryServer: {
          create(o: object): Promise<{ getUri(): string; stop(): Promise<boolean> }>;
        };
      }
    | undefined;
  if (!mod) return undefined;
  const server = await mod.MongoMemoryServer.create({
    instance: { dbPath: join(dataDir, 'memory'), ip: '127.0.0.1' },
  });
  return {
    uri: server.getUri(),
    kind: 'mongodb-memory-server',
    stop: async () => void (await server.stop()),
  };
}
