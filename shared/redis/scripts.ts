import { once } from '../runtime/lazy';
import { nodeCrypto } from '../runtime/node-crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script and its SHA. Scripts run atomically in Redis; plain (shebang-less) scripts let
 * Redis check memory once, before their first write, so one never stops half-way.
 */
export interface Script {
  readonly lua: string;
  readonly sha: string;
}

/** Defined at load, hashed on first use (nodeCrypto). */
export const defineScript = (lua: string): Script => {
  const sha = once(() => nodeCrypto().createHash('sha1').update(lua).digest('hex'));
  return {
    lua,
    get sha() {
      return sha();
    },
  };
};

/** Runs a script by its SHA (one round trip), loading it on the first NOSCRIPT. */
export async function runScript(
  redis: Redis,
  { lua, sha }: Script,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
    return redis.eval(lua, keys.length, ...keys, ...args);
  }
}
