import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { spawnServer, waitUntil, type RestartOptions, type ServerProcess } from './child';
import { MissingServiceError } from './errors';
import { which } from './paths';
import { REDIS_HINT } from './system-packages';
import { freePort } from './ports';
import { supervise } from './supervise';

export interface RedisService {
  url: string;
  /** 'external' when REDIS_URL was given; nothing is started or stopped then. */
  kind: 'external' | 'redis-server';
  port?: number;
  /** The running server (a new one after every restart, on purpose or after a crash). */
  readonly process?: ServerProcess;
  stop(): Promise<void>;
  /**
   * Fault tests: stops the server (`SIGTERM`, which writes the AOF, or `SIGKILL`), waits
   * `downMs`, and starts it again on the same port with the same data. Absent for 'external'.
   */
  restart?(options?: RestartOptions): Promise<void>;
}

export interface RedisOptions {
  dataDir: string;
  /** Fixed port (restarts keep the same URL); a free one by default. */
  port?: number;
  env?: NodeJS.ProcessEnv;
  /** Where the supervisor says that the server died and was started again. */
  log?: (line: string) => void;
}

/** Answers when a RESP `PING` gets `+PONG`. */
export function pingRedis(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

/**
 * REDIS_URL if set, else a `redis-server` from PATH on 127.0.0.1 with its own data directory:
 * AOF on (the broker's streams must survive a restart), no RDB snapshots, and `volatile-lru` so
 * only keys with a TTL (the cache) can be evicted, never the streams (docs/broker.md#guarantees).
 * A server started here that dies is started again on the same port and data (`supervise`).
 */
export async function startRedis({
  dataDir,
  port,
  env = process.env,
  log = () => {},
}: RedisOptions): Promise<RedisService> {
  if (env.REDIS_URL) return { url: env.REDIS_URL, kind: 'external', stop: async () => {} };
  const binary = which('redis-server', env);
  if (!binary) {
    throw new MissingServiceError(REDIS_HINT);
  }
  await mkdir(dataDir, { recursive: true });
  const chosen = port ?? (await freePort());
  const launch = async () => {
    const child = spawnServer(
      binary,
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(chosen),
        '--dir',
        dataDir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--maxmemory-policy',
        'volatile-lru',
        '--protected-mode',
        'yes',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      join(dataDir, 'redis.log'),
    );
    try {
      await waitUntil('redis-server', () => pingRedis(chosen), { exited: child.exited });
    } catch (err) {
      await child.kill();
      throw err;
    }
    return child;
  };
  const server = supervise(launch, await launch(), { name: 'redis-server', log });
  return {
    url: `redis://127.0.0.1:${chosen}`,
    kind: 'redis-server',
    port: chosen,
    get process() {
      return server.process;
    },
    stop: () => server.stop(),
    restart: (options) => server.restart(options),
  };
}
