import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_HINT, findInstaller, redisInstallCommands } from './system-packages';

let bin = '';
beforeAll(async () => {
  bin = await mkdtemp(join(tmpdir(), 'multivac-bin-'));
  for (const name of ['apt-get', 'brew']) {
    await writeFile(join(bin, name), '#!/bin/sh\nexit 0\n');
    await chmod(join(bin, name), 0o755);
  }
  // A sudo that never grants without a password, as `sudo -n` does for most users.
  await writeFile(join(bin, 'sudo'), '#!/bin/sh\nexit 1\n');
  await chmod(join(bin, 'sudo'), 0o755);
});
afterAll(() => rm(bin, { recursive: true, force: true }));

describe('how redis-server gets installed', () => {
  it('uses apt-get directly as root', async () => {
    expect(await findInstaller({ PATH: bin }, 'linux', 0)).toEqual({ kind: 'apt', sudo: false });
  });

  it('never prompts: a user without passwordless sudo gets the one-line hint', async () => {
    expect(await findInstaller({ PATH: bin }, 'linux', 1000)).toEqual({
      kind: 'none',
      hint: REDIS_HINT,
    });
  });

  it('uses Homebrew on macOS, and says how without it', async () => {
    expect(await findInstaller({ PATH: bin }, 'darwin', 501)).toEqual({ kind: 'brew' });
    expect((await findInstaller({ PATH: '' }, 'darwin', 501)).kind).toBe('none');
  });

  it('says how on a Linux without apt-get', async () => {
    expect((await findInstaller({ PATH: '' }, 'linux', 0)).kind).toBe('none');
  });

  it.each([
    [
      { kind: 'apt', sudo: false } as const,
      [
        ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update', '-qq'],
        [
          'env',
          'DEBIAN_FRONTEND=noninteractive',
          'apt-get',
          'install',
          '-y',
          '-qq',
          '--no-install-recommends',
          'redis-server',
        ],
      ],
    ],
    [
      { kind: 'apt', sudo: true } as const,
      [
        ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update', '-qq'],
        [
          'sudo',
          '-n',
          'env',
          'DEBIAN_FRONTEND=noninteractive',
          'apt-get',
          'install',
          '-y',
          '-qq',
          '--no-install-recommends',
          'redis-server',
        ],
      ],
    ],
    [{ kind: 'brew' } as const, [['brew', 'install', 'redis']]],
    [{ kind: 'none', hint: REDIS_HINT } as const, []],
  ])('%o runs %j', (installer, commands) => {
    expect(redisInstallCommands(installer)).toEqual(commands);
  });

  it('names both package managers and REDIS_URL in its one line', () => {
    expect(REDIS_HINT).not.toContain('\n');
    expect(REDIS_HINT).toMatch(/apt-get install redis-server.*brew install redis.*REDIS_URL/);
  });
});
