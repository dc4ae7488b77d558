/**
 * The main module of a Functions Framework function's bundle (`function.cjs`): the function's
 * `index.ts` registers it (the build resolves `multivac:function` to `functions/<name>/index.ts`),
 * then the framework's server serves it, from the same bundle, so that the registry it registered
 * with is the one serving.
 */
import 'multivac:function';
import { runFunction } from './main';
import type { Signature } from './server';

/** Set by the build: the function's name and how it registered. */
declare const MULTIVAC_TARGET: string;
declare const MULTIVAC_SIGNATURE: Signature;

runFunction(MULTIVAC_TARGET, MULTIVAC_SIGNATURE).catch((err: unknown) => {
  console.error(
    JSON.stringify({ severity: 'CRITICAL', message: String((err as Error)?.message ?? err) }),
  );
  process.exit(1);
});
