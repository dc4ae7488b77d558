'use strict';
/**
 * debug (Express, its router, body-parser, finalhandler, send; ioredis) in the bundles. With
 * `DEBUG` unset when the function starts, each logger they make is off and the package is not
 * loaded: at load it requires node:tty and supports-color (node:os) and reads the environment to
 * choose its colours, and each logger it makes computes whether its namespace is enabled — ~5 ms
 * of question's module evaluation, before it listens. With `DEBUG` set, the package itself.
 * `DEBUG` is read once, at start, like the functions' configuration.
 */

/**
 * A logger that is off, shaped as debug's own are (ioredis reads `namespace`, `enabled`,
 * `destroy` and `log` of its loggers).
 * @param {string} namespace
 */
function off(namespace) {
  return Object.assign(() => {}, {
    namespace,
    enabled: false,
    log: undefined,
    destroy: () => false,
    /** @param {string} sub @param {string} [delimiter] */
    extend: (sub, delimiter = ':') => off(`${namespace}${delimiter}${sub}`),
  });
}

/** @param {string} namespace */
const createDebug = (namespace) => off(namespace);
createDebug.default = createDebug;
createDebug.enabled = () => false;
createDebug.enable = () => {};
createDebug.disable = () => '';

// eslint-disable-next-line no-restricted-properties -- debug's own switch, read as it does
const on = Boolean(process.env.DEBUG);
// @ts-expect-error -- debug ships no type declarations
module.exports = on ? require('debug') : createDebug;
