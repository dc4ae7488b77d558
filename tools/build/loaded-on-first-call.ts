import { join } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * Modules that their importers require at load but call rarely or never, each with the shim that
 * loads it on its first call (each shim says why): `request` as the importer writes it, from the
 * files whose path ends with `from` (any importer when absent).
 */
export const LOADED_ON_FIRST_CALL: readonly { request: string; from?: string; shim: string }[] = [
  { request: '@mongodb-js/saslprep', shim: 'shared/runtime/saslprep.cjs' },
  {
    request: './lib/pushgateway',
    from: 'node_modules/prom-client/index.js',
    shim: 'shared/runtime/pushgateway.cjs',
  },
  {
    request: './lib/defaultMetrics',
    from: 'node_modules/prom-client/index.js',
    shim: 'shared/runtime/default-metrics.cjs',
  },
  ...['node_modules/sonic-boom/index.js', 'node_modules/redis-errors/lib/modern.js'].map(
    (from) => ({
      request: 'assert',
      from,
      shim: 'shared/runtime/assert.cjs',
    }),
  ),
  {
    request: 'thread-stream',
    from: 'node_modules/pino/lib/transport.js',
    shim: 'shared/runtime/thread-stream.cjs',
  },
  {
    request: 'worker_threads',
    from: 'node_modules/pino/lib/tools.js',
    shim: 'shared/runtime/worker-threads.cjs',
  },
  {
    request: 'node:zlib',
    from: 'node_modules/body-parser/lib/read.js',
    shim: 'shared/runtime/zlib.cjs',
  },
  ...[
    'node_modules/mongodb/lib/deps.js',
    'node_modules/mongodb/lib/cmap/wire_protocol/compression.js',
  ].map((from) => ({ request: 'zlib', from, shim: 'shared/runtime/zlib.cjs' })),
  { request: 'mime-types', shim: 'shared/runtime/mime-types.cjs' },
  { request: 'debug', shim: 'shared/runtime/debug.cjs' },
  ...['node_modules/express/lib/utils.js', 'node_modules/body-parser/lib/types/urlencoded.js'].map(
    (from) => ({ request: 'qs', from, shim: 'shared/runtime/qs.cjs' }),
  ),
  ...[
    'node_modules/etag/index.js',
    'node_modules/cookie-signature/index.js',
    'node_modules/uuid/dist/esm-node/rng.js',
    'node_modules/uuid/dist/esm-node/md5.js',
    'node_modules/uuid/dist/esm-node/sha1.js',
    'node_modules/ioredis/built/Script.js',
  ].map((from) => ({ request: 'crypto', from, shim: 'shared/runtime/crypto.cjs' })),
  ...[
    'node_modules/mongodb/lib/cmap/connect.js',
    'node_modules/mongodb/lib/client-side-encryption/state_machine.js',
    'node_modules/ioredis/built/connectors/StandaloneConnector.js',
    'node_modules/ioredis/built/connectors/SentinelConnector/index.js',
  ].map((from) => ({ request: 'tls', from, shim: 'shared/runtime/tls.cjs' })),
  ...[
    'node_modules/mongodb/lib/cmap/auth/mongodb_oidc/k8s_machine_workflow.js',
    'node_modules/mongodb/lib/client-side-encryption/state_machine.js',
  ].map((from) => ({ request: 'fs/promises', from, shim: 'shared/runtime/fs-promises.cjs' })),
  {
    request: 'node:fs/promises',
    from: 'node_modules/undici/lib/mock/snapshot-recorder.js',
    shim: 'shared/runtime/fs-promises.cjs',
  },
  ...[
    'node_modules/mongodb/lib/connection_string.js',
    'node_modules/mongodb/lib/sdam/srv_polling.js',
    'node_modules/mongodb/lib/cmap/auth/gssapi.js',
    'node_modules/ioredis/built/cluster/ClusterOptions.js',
  ].map((from) => ({ request: 'dns', from, shim: 'shared/runtime/dns.cjs' })),
  {
    request: 'fs',
    from: 'node_modules/mongodb/lib/utils.js',
    shim: 'shared/runtime/fs-access.cjs',
  },
  {
    request: './lib/web/cookies',
    from: 'node_modules/undici/index.js',
    shim: 'shared/runtime/undici-cookies.cjs',
  },
  {
    request: 'node:http2',
    from: 'node_modules/undici/lib/dispatcher/client-h2.js',
    shim: 'shared/runtime/http2.cjs',
  },
  {
    request: './transport/http',
    from: 'node_modules/cloudevents/dist/index.js',
    shim: 'shared/runtime/cloudevents-http-transport.cjs',
  },
];

/** Resolves the imports LOADED_ON_FIRST_CALL lists to their shims (a shim's own to the module). */
export function loadedOnFirstCallPlugin(root: string): Plugin {
  return {
    name: 'multivac-loaded-on-first-call',
    setup(b) {
      for (const { request, from, shim } of LOADED_ON_FIRST_CALL) {
        const path = join(root, shim);
        const filter = new RegExp(`^${request.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
        b.onResolve({ filter }, (args) =>
          args.importer === path || (from && !args.importer.endsWith(from)) ? undefined : { path },
        );
      }
    },
  };
}
