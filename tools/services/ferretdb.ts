import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { MissingServiceError } from './errors';
import { cacheDir, which } from './paths';

const run = promisify(execFile);

export const FERRETDB_VERSION = 'v1.24.2';
const MODULE = 'github.com/FerretDB/FerretDB';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The patches applied to FerretDB's source before it is built, in order (see each file). */
export const PATCH_DIR = join(import.meta.dirname, 'patches');
export const ferretdbPatches = (dir = PATCH_DIR): string[] =>
  readdirSync(dir)
    .filter((f) => f.startsWith(`ferretdb-${FERRETDB_VERSION}-`) && f.endsWith('.patch'))
    .sort()
    .map((f) => join(dir, f));

/**
 * The build's name: the version and a hash of the patches, so that a build made without them
 * (or with other ones) is never taken for this one.
 */
export function buildName(patches: readonly string[] = ferretdbPatches()): string {
  const hash = createHash('sha256');
  for (const patch of patches) hash.update(readFileSync(patch));
  return `${FERRETDB_VERSION}-${hash.digest('hex').slice(0, 12)}`;
}

/** Where the service tool keeps its own FerretDB build. */
export const cachedFerretdb = (env: NodeJS.ProcessEnv = process.env) =>
  join(cacheDir(env), 'ferretdb', buildName(), 'ferretdb');

/** A FerretDB binary: on PATH, or built earlier into the cache. */
export async function findFerretdb(
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const cached = cachedFerretdb(env);
  if (await exists(cached)) return cached;
  return which('ferretdb', env);
}

/**
 * Builds FerretDB into the cache with the Go toolchain. `go install …@v1.24.2` does not work as
 * such: it asks the module proxy for the version list (to check deprecation), which a proxy may
 * refuse, and the binary it makes panics at start because `build/version/version.txt` is generated
 * by FerretDB's own task runner. So: download the module at the exact version, write that file,
 * apply the patches of tools/services/patches (each file says why), and `go build` its
 * `cmd/ferretdb` — the same source, pinned, no network beyond the proxy.
 */
export async function installFerretdb(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => {},
): Promise<string> {
  const go = which('go', env);
  if (!go) {
    throw new MissingServiceError(
      `no MongoDB-wire server: install Go (https://go.dev/dl) so FerretDB ${FERRETDB_VERSION} can be built, put mongod on PATH, or set MONGODB_URI`,
    );
  }
  const target = cachedFerretdb(env);
  if (await exists(target)) return target;
  await mkdir(join(target, '..'), { recursive: true });
  const lock = `${target}.lock`;
  // One builder at a time (test projects start in parallel); others wait for its result.
  for (let waited = 0; ; waited += 500) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (await exists(target)) return target;
      const age =
        Date.now() -
        (await stat(lock).then(
          (s) => s.mtimeMs,
          () => Date.now(),
        ));
      if (age > 10 * 60_000) await rm(lock, { recursive: true, force: true }); // stale lock
      if (waited > 15 * 60_000) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const work = await mkdtemp(join(tmpdir(), 'multivac-ferretdb-'));
  try {
    if (await exists(target)) return target;
    const goEnv = { ...env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '0' };
    log(`building FerretDB ${FERRETDB_VERSION} with ${go} (once; about a minute)…`);
    const { stdout } = await run(
      go,
      ['mod', 'download', '-json', `${MODULE}@${FERRETDB_VERSION}`],
      {
        env: goEnv,
        cwd: work,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const { Dir: moduleDir } = JSON.parse(stdout) as { Dir: string };
    const src = join(work, 'src');
    await cp(moduleDir, src, { recursive: true });
    await chmod(src, 0o755);
    await run('chmod', ['-R', 'u+w', src]);
    await writeFile(join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    for (const patch of ferretdbPatches()) {
      // GIT_CEILING_DIRECTORIES: never mistake a repository around the temp dir for this tree.
      await run('git', ['apply', patch], {
        cwd: src,
        env: { ...env, GIT_CEILING_DIRECTORIES: dirname(src) },
      });
      log(`applied ${patch}`);
    }
    const output = `${target}.${process.pid}.tmp`;
    await run(go, ['build', '-trimpath', '-buildvcs=false', '-o', output, './cmd/ferretdb'], {
      env: goEnv,
      cwd: src,
      maxBuffer: 16 * 1024 * 1024,
    });
    await rename(output, target);
    await removeOtherBuilds(join(target, '..', '..'), buildName());
    log(`FerretDB ${FERRETDB_VERSION} (patched) installed at ${target}`);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(lock, { recursive: true, force: true });
  }
}

/** Builds of other names (unpatched, older patches) are replaced by this one. */
async function removeOtherBuilds(dir: string, keep: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name !== keep && name.startsWith(FERRETDB_VERSION) && !name.endsWith('.lock'))
      await rm(join(dir, name), { recursive: true, force: true });
  }
}
