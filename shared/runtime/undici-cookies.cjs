'use strict';
/**
 * undici's cookie helpers, loaded when first called. undici's index requires them at load, and
 * their module reads `globalThis.Headers`, which makes Node load the copy of undici it bundles for
 * its own fetch: ~8 ms of the broker's start and of acquire's first request, for helpers
 * MultiVAC never calls. tools/build resolves undici's import of them to this file.
 */

/** @typedef {typeof import('undici')} Undici */
/** @type {Pick<Undici, 'deleteCookie' | 'getCookies' | 'getSetCookies' | 'setCookie' | 'parseCookie'> | undefined} */
let cookies;
const real = () => (cookies ??= require('undici/lib/web/cookies/index.js'));

/** @type {NonNullable<typeof cookies>} */
module.exports = {
  deleteCookie: (...args) => real().deleteCookie(...args),
  getCookies: (...args) => real().getCookies(...args),
  getSetCookies: (...args) => real().getSetCookies(...args),
  setCookie: (...args) => real().setCookie(...args),
  parseCookie: (...args) => real().parseCookie(...args),
};
