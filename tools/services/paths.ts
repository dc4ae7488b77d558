import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { accessSync, constants } from 'node:fs';

/** Where built tools (FerretDB) are kept between runs. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MULTIVAC_CACHE_DIR) return env.MULTIVAC_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'multivac');
}

/** The absolute path of an executable on PATH, or undefined. */
export function which(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}
