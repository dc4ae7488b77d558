import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { sourceEditsPlugin, type Edit } from './source-edits';

/**
 * The MongoDB driver and bson take their random bytes (a session's id, an ObjectId's process
 * part, a UUID) from Web Crypto's `crypto.getRandomValues`. Node builds `globalThis.crypto` on
 * its first use, and its first use of Web Crypto or node:crypto initializes OpenSSL and loads
 * their modules: 11–15 ms. bson reads `globalThis.crypto` while it loads, to choose its source of
 * bytes, and the driver asks for 16 bytes on its first query (the session id): either way on the
 * first request's path of every function that uses MongoDB. bson also loads `node:v8` while it
 * loads (~1.5 ms), only to ask whether a startup snapshot is being built, which a bundle never
 * does (Node cannot put `node:http` into one).
 *
 * The driver bundles take the same bytes from the kernel's generator instead
 * (shared/runtime/random-fill.cjs), and make no snapshot check. Each edit must match exactly once
 * (./source-edits.ts).
 */
const randomFill = (root: string) =>
  `require(${JSON.stringify(join(root, 'shared/runtime/random-fill.cjs'))})`;

const bsonEdits = (root: string): readonly Edit[] => [
  {
    what: "Node's random bytes chosen by reading globalThis.crypto at load",
    from: /const nodejsRandomBytes = \(\(\) => \{\n\s*const \{ crypto \} = globalThis;[\s\S]*?\n\}\)\(\);/,
    to: 'const nodejsRandomBytes = nodejsSecureRandomBytes;',
  },
  {
    what: "Node's secure random bytes from Web Crypto",
    from: /return crypto\.getRandomValues\(nodeJsByteUtils\.allocate\(byteLength\)\);/,
    to: `return ${randomFill(root)}(nodeJsByteUtils.allocate(byteLength));`,
  },
  {
    // Not used where Buffer exists (Node), but chosen at load all the same: chosen on first use.
    what: "the browsers' random bytes chosen by reading globalThis.crypto at load",
    from: /const webRandomBytes = \(\(\) => \{(\n\s*const \{ crypto \} = globalThis;[\s\S]*?\n)\}\)\(\);/,
    to: 'let webRandomBytesChosen;\nconst webRandomBytes = (byteLength) => (webRandomBytesChosen ??= (() => {$1})())(byteLength);',
  },
  {
    what: "ObjectId's startup-snapshot check loading node:v8",
    from: /v8Module = globalThis\?\.process\?\.getBuiltinModule\?\.\('v8'\) \?\? \{\};/,
    to: 'v8Module = {};',
  },
];

const mongodbUtilsEdits = (root: string): readonly Edit[] => [
  {
    what: "a session id's bytes from Web Crypto",
    from: /crypto\.getRandomValues\(new Uint8Array\(16\)\)/,
    to: `${randomFill(root)}(new Uint8Array(16))`,
  },
  {
    what: 'random bytes from Web Crypto',
    from: /crypto\.getRandomValues\(new Uint8Array\(size\)\)/,
    to: `${randomFill(root)}(new Uint8Array(size))`,
  },
];

/** Bundles bson and the MongoDB driver's utilities with their random bytes from the kernel. */
export function randomWithoutWebCryptoPlugin(root: string): Plugin {
  return sourceEditsPlugin('multivac-random-without-webcrypto', [
    {
      file: /[\\/]node_modules[\\/]bson[\\/]lib[\\/]bson\.cjs$/,
      label: 'bson',
      edits: bsonEdits(root),
    },
    {
      file: /[\\/]node_modules[\\/]mongodb[\\/]lib[\\/]utils\.js$/,
      label: "mongodb's lib/utils.js",
      edits: mongodbUtilsEdits(root),
    },
  ]);
}
