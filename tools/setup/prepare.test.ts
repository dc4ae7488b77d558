import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dependenciesStale } from './prepare.mjs';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function project(files: Record<string, number>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'multivac-prepare-'));
  dirs.push(dir);
  for (const [path, seconds] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), '{}');
    await utimes(join(dir, path), seconds, seconds);
  }
  return dir;
}

describe('whether npm ci must run first', () => {
  it.each([
    ['no node_modules at all', { 'package-lock.json': 100 }, true],
    [
      'an install older than the lockfile',
      { 'package-lock.json': 200, 'node_modules/.package-lock.json': 100 },
      true,
    ],
    [
      'an install newer than the lockfile',
      { 'package-lock.json': 100, 'node_modules/.package-lock.json': 200 },
      false,
    ],
    [
      'an install as old as the lockfile',
      { 'package-lock.json': 100, 'node_modules/.package-lock.json': 100 },
      false,
    ],
  ])('%s → %s', async (_name, files, stale) => {
    expect(dependenciesStale(await project(files))).toBe(stale);
  });
});
