import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** In a fresh Node: whether the shim's module is loaded after requiring the shim, then after a use. */
function loadedBy(
  shim: string,
  builtin: string,
  use: string,
): { atRequire: boolean; atUse: boolean; same: boolean } {
  const script = `
    const loaded = () => process.moduleLoadList.includes('NativeModule ${builtin}');
    const shim = require(${JSON.stringify(join(import.meta.dirname, shim))});
    const atRequire = loaded();
    const value = shim.${use};
    console.log(JSON.stringify({ atRequire, atUse: loaded(), same: value === require('node:${builtin}').${use} }));
  `;
  // A script file: \`node -e\` has node:crypto loaded before it runs.
  const dir = mkdtempSync(join(tmpdir(), 'multivac-shim-'));
  try {
    writeFileSync(join(dir, 'check.cjs'), script);
    return JSON.parse(
      execFileSync(process.execPath, [join(dir, 'check.cjs')], { encoding: 'utf8' }),
    ) as never;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('shims of built-in modules that packages load at start but use later', () => {
  it.each([
    ['crypto.cjs', 'crypto', 'createHash'],
    ['tls.cjs', 'tls', 'connect'],
  ])('%s loads node:%s on the first use, and gives what it exports', (shim, builtin, use) => {
    expect(loadedBy(shim, builtin, use)).toEqual({ atRequire: false, atUse: true, same: true });
  });
});
