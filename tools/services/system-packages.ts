import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MissingServiceError } from './errors';
import { which } from './paths';

const run = promisify(execFile);

/** How this machine installs a system package, if the user may do it without a prompt. */
export type Installer =
  { kind: 'apt'; sudo: boolean } | { kind: 'brew' } | { kind: 'none'; hint: string };

/** One line telling a person how to get redis-server by hand. */
export const REDIS_HINT =
  'redis-server not found: install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL';

/**
 * apt-get as root or with passwordless sudo (`sudo -n` never prompts), Homebrew on macOS;
 * otherwise nothing — a script must not ask for a password.
 */
export async function findInstaller(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  uid: number | undefined = process.getuid?.(),
): Promise<Installer> {
  if (platform === 'darwin') {
    return which('brew', env) ? { kind: 'brew' } : { kind: 'none', hint: REDIS_HINT };
  }
  if (platform !== 'linux' || !which('apt-get', env)) return { kind: 'none', hint: REDIS_HINT };
  if (uid === 0) return { kind: 'apt', sudo: false };
  if (!which('sudo', env)) return { kind: 'none', hint: REDIS_HINT };
  const passwordless = await run('sudo', ['-n', 'true'], { env }).then(
    () => true,
    () => false,
  );
  return passwordless ? { kind: 'apt', sudo: true } : { kind: 'none', hint: REDIS_HINT };
}

/** The commands that install redis-server with `installer`, in order. */
export function redisInstallCommands(installer: Installer): string[][] {
  switch (installer.kind) {
    case 'apt': {
      const prefix = installer.sudo ? ['sudo', '-n'] : [];
      const apt = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'];
      return [
        [...apt, 'update', '-qq'],
        [...apt, 'install', '-y', '-qq', '--no-install-recommends', 'redis-server'],
      ];
    }
    case 'brew':
      return [['brew', 'install', 'redis']];
    case 'none':
      return [];
  }
}

/**
 * Makes sure a Redis is available: REDIS_URL, a redis-server on PATH, or one installed now by the
 * system's package manager. Throws a MissingServiceError (one line saying how) when none can be.
 */
export async function ensureRedisServer(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => {},
): Promise<void> {
  if (env.REDIS_URL || which('redis-server', env)) return;
  const installer = await findInstaller(env);
  if (installer.kind === 'none') throw new MissingServiceError(installer.hint);
  for (const [command, ...args] of redisInstallCommands(installer)) {
    log(`redis-server is missing: ${[command, ...args].join(' ')}`);
    await run(command!, args, { env, maxBuffer: 16 * 1024 * 1024 });
  }
  if (!which('redis-server', env)) throw new MissingServiceError(REDIS_HINT);
}
