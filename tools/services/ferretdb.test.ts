import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FERRETDB_VERSION, buildName, cachedFerretdb, ferretdbPatches } from './ferretdb';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('the cached FerretDB build', () => {
  it('is built with the _id index patch kept in the repository', () => {
    expect(ferretdbPatches().map((p) => p.split('/').pop())).toContain(
      `ferretdb-${FERRETDB_VERSION}-sqlite-id-index.patch`,
    );
  });

  it('is named after the version and its patches, so an unpatched build is never reused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'multivac-patches-'));
    dirs.push(dir);
    await writeFile(join(dir, 'a.patch'), 'one');
    await writeFile(join(dir, 'b.patch'), 'two');
    const one = buildName([join(dir, 'a.patch')]);
    expect(one).toMatch(new RegExp(`^${FERRETDB_VERSION.replace(/\./g, '\\.')}-[0-9a-f]{12}$`));
    expect(buildName([join(dir, 'b.patch')])).not.toBe(one);
    expect(buildName([])).not.toBe(one);
    expect(buildName()).not.toBe(FERRETDB_VERSION);
    expect(cachedFerretdb({ MULTIVAC_CACHE_DIR: '/c' })).toBe(
      `/c/ferretdb/${buildName()}/ferretdb`,
    );
  });
});
