/**
 * The `multivac` command installed elsewhere, as a user would install it: `npm pack` (whose
 * prepack builds the bundle) and `npm install -g` of the tarball into a temporary prefix, where
 * no devDependency exists — neither tsx nor commander. The installed command then feeds, learns
 * and asks against a stack started as `npm start` starts it.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCorpusServer, type CorpusServer } from '../corpus/server';
import { uniqueDbName, uniquePrefix } from '../support/isolation';
import { run, runCli } from './support/cli';
import { startTestStack, type TestStack } from './support/stack';

let dir: string;
let corpus: CorpusServer;
let stack: TestStack;
let env: NodeJS.ProcessEnv;
let installed: string;

/**
 * What of a user's environment reaches the registry: the certificates and proxies their machine
 * is set up with (a registry behind a TLS-intercepting proxy is refused without them).
 */
const NETWORK_ENV = [
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

/**
 * npm as a user runs it: their PATH, HOME, npm cache and network settings, none of the test
 * runner's npm_ variables.
 */
const npmEnv = () => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
  ...Object.fromEntries(
    NETWORK_ENV.filter((name) => process.env[name] !== undefined).map((name) => [
      name,
      process.env[name],
    ]),
  ),
});

async function packAndInstall(): Promise<string> {
  const packed = await run(['npm', 'pack', '--pack-destination', dir], npmEnv(), {
    timeoutMs: 120_000,
  });
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = join(dir, lines(packed.stdout).at(-1)!);
  const prefix = join(dir, 'prefix');
  // Offline first: the dependencies are in the npm cache since `npm ci`.
  const install = await run(
    [
      'npm',
      'install',
      '-g',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      tarball,
    ],
    npmEnv(),
    { timeoutMs: 180_000, cwd: dir },
  );
  expect(install.code, install.stderr).toBe(0);
  return prefix;
}

const lines = (text: string) => text.split(/\r?\n/).filter((line) => line !== '');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multivac-cli-install-'));
  corpus = await startCorpusServer();
  // Settled, not Promise.all: when the install fails, the stack still starting must be kept, or
  // afterAll cannot stop it and its processes outlive the run.
  const [prefix, started] = await Promise.allSettled([
    packAndInstall(),
    startTestStack({
      dataDir: dir,
      idleSeconds: 60,
      env: {
        ...process.env,
        MULTIVAC_FETCH_ALLOWED_CIDRS: '127.0.0.1/32',
        MONGODB_DB: uniqueDbName('cli_install'),
        MULTIVAC_CACHE_PREFIX: uniquePrefix('cli-install').replaceAll(':', '.'),
        MULTIVAC_STREAM: `${uniquePrefix('cli-install')}:events`,
        LOG_LEVEL: 'info',
      },
    }),
  ]);
  if (started.status === 'fulfilled') stack = started.value;
  for (const step of [prefix, started]) if (step.status === 'rejected') throw step.reason;
  installed = (prefix as PromiseFulfilledResult<string>).value;
  env = { PATH: process.env.PATH, HOME: process.env.HOME, MULTIVAC_URL: stack.url };
});

afterAll(async () => {
  await stack?.stop();
  await corpus?.stop();
  await rm(dir, { recursive: true, force: true });
});

afterEach((context) => {
  if (context.task.result?.state === 'fail')
    console.log(`--- last lines of the stack ---\n${stack?.tail(60) ?? '(not started)'}`);
});

describe('multivac installed from its package', () => {
  it('is the launcher and the bundle, with no sources and no devDependency', async () => {
    const pkg = join(installed, 'lib/node_modules/multivac');
    expect((await readdir(pkg)).sort()).toEqual(
      ['README.md', 'bin', 'dist', 'node_modules', 'package.json'].sort(),
    );
    expect(existsSync(join(pkg, 'dist/cli/multivac.cjs'))).toBe(true);
    for (const dev of ['tsx', 'commander', 'cli-progress', 'esbuild', 'typescript'])
      expect(existsSync(join(pkg, 'node_modules', dev)), dev).toBe(false);
    const help = await runCli(['--help'], env, { command: [join(installed, 'bin/multivac')] });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /Commands:[\s\S]*ask[\s\S]*feed[\s\S]*learn[\s\S]*sources[\s\S]*deadletters/,
    );
  });

  it('feeds, learns with --wait and asks', async () => {
    const command = [join(installed, 'bin/multivac')];
    const pages = corpus.pages
      .filter((p) => p.relevant)
      .slice(0, 4)
      .map((p) => p.url);
    const fed = await runCli(['feed', ...pages], env, { command });
    expect(fed.code, fed.stderr).toBe(0);
    expect(lines(fed.stdout)).toContain(`4 URLs: 4 accepted, 0 already known, 0 refused`);
    const learned = await runCli(['learn', '--wait'], env, { command });
    expect(learned.code, learned.stdout + learned.stderr).toBe(0);
    expect(lines(learned.stdout).at(-2)).toMatch(
      /^job \S+ succeeded in \d+:\d\d: 4 learned, 0 failed of 4$/,
    );
    const asked = await runCli(['ask', '--json'], env, { command });
    expect(asked.code).toBe(0);
    expect(JSON.parse(asked.stdout)).toMatchObject({ status: 'answered' });
  });
});
