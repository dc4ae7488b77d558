'use strict';
/**
 * qs (Express's extended query parser, body-parser's extended urlencoded bodies) in the bundles,
 * loaded on first call: at load it builds its side channels through get-intrinsic, which walks
 * the engine's intrinsics and wraps dozens of them — ~2-3 ms of every HTTP function's cold start,
 * before it listens, for a parser that only a form body (`PUT`/`POST /multivac/data` as a form)
 * calls. tools/build resolves those two imports of qs to this file.
 */

/** @type {typeof import('qs') | undefined} */
let qs;
const load = () => (qs ??= require('qs'));

// What Express and body-parser call; `stringify` for completeness.
module.exports = {
  /** @param {Parameters<typeof import('qs').parse>} args */
  parse: (...args) => load().parse(...args),
  /** @param {Parameters<typeof import('qs').stringify>} args */
  stringify: (...args) => load().stringify(...args),
};
