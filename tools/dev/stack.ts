import type { Server } from 'node:http';
import { join } from 'node:path';
import { context, type BuildContext } from 'esbuild';
import { listen } from '../../shared/runtime/listen';
import { NODE_FLAGS } from '../../shared/runtime/node-flags';
import {
  bundleFunction,
  bundleOptions,
  codeCacheEnv,
  writeCodeCache,
  discoverFunctions,
  type FunctionSource,
} from '../build/index';
import {
  freePort,
  spawnServer,
  supervise,
  startServices,
  waitUntil,
  type ServerProcess,
  type Services,
} from '../services/index';
import { createActivator, createGateway } from './gateway';
import type { LineSink } from './logs';
import { pipeLines } from './logs';
import { FunctionProcess } from './pool';
import { loadRouting } from './routing';
import { readServiceSpec, type ServiceSpec } from './service-spec';

export interface StackOptions {
  /** The repository (functions/, knative/). */
  root: string;
  /** Where data (Redis AOF, FerretDB files) and bundles live; `.multivac` for `npm start`. */
  dataDir: string;
  /** Gateway port (8080 by default; 0 for any free one). */
  port?: number;
  host?: string;
  /** Keep every function running (no scale to zero). */
  warm?: boolean;
  /** Scale a function to zero after this many idle seconds. */
  idleSeconds?: number;
  /** Rebuild and restart a function when its sources change (`npm run dev`). */
  watch?: boolean;
  /**
   * Run functions with `--enable-source-maps` (stack traces in the TypeScript sources). Off by
   * default except in watch mode: parsing a bundle's map doubles its cold start (≈200 → ≈420 ms),
   * and the images run without it too. The always-on broker has it regardless.
   */
  sourceMaps?: boolean;
  env?: NodeJS.ProcessEnv;
  out?: LineSink;
  /**
   * The broker's `MULTIVAC_SUBSCRIBER_URL` template, given the activator's URL; by default
   * `<activator>/{name}`. Fault tests put a recording or slow proxy in between.
   */
  subscriberUrl?: (activatorUrl: string) => string;
}

/**
 * The always-on broker process. It is supervised: one that dies by itself (or by a `kill -9` of
 * its pid) is started again with backoff. Fault tests that want to choose the downtime use
 * kill() and start().
 */
export interface BrokerControl {
  /** The current process's id (a new one after every restart). */
  readonly pid: number;
  /** Its Prometheus metrics (counters start again at zero with every process). */
  readonly metricsUrl: string;
  /** SIGKILL, and no restart until start(); resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again with the same ports, consumer name and environment; resolves when ready. */
  start(): Promise<void>;
}

export interface Stack {
  url: string;
  brokerUrl: string;
  adminUrl: string;
  activatorUrl: string;
  broker: BrokerControl;
  services: Services;
  functions: ReadonlyMap<string, FunctionProcess>;
  stop(): Promise<void>;
}

/** Variables a function or the broker inherits from the developer's environment. */
const passThrough = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(
    Object.entries(env).filter(
      ([k]) =>
        k.startsWith('MULTIVAC_') ||
        k === 'LOG_LEVEL' ||
        k === 'PATH' ||
        k === 'HOME' ||
        k === 'TZ',
    ),
  );

const httpReady = (url: string) => async () => {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await res.arrayBuffer();
  return res.ok;
};

/**
 * The whole MultiVAC on one machine (docs/architecture.md#local-stack): Redis and a MongoDB-wire
 * server, the broker (always on), every function as its own process from its bundle — started on
 * its first request or delivery and stopped when idle, like Knative — and a gateway that routes
 * like production.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const {
    root,
    dataDir,
    host = '127.0.0.1',
    warm = false,
    watch = false,
    sourceMaps = watch,
    env = process.env,
  } = options;
  const out = options.out ?? ((line: string) => console.log(line));
  const idleSeconds = options.idleSeconds ?? Number(env.MULTIVAC_IDLE_SECONDS ?? 300);
  const cleanup: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  };

  try {
    const sources = await discoverFunctions(root);
    const broker = sources.find((f) => f.kind === 'standalone' && f.name === 'broker');
    if (!broker)
      throw new Error(
        'functions/broker is not built yet: the broker is required for the local stack',
      );
    const functionsSources = sources.filter((f) => f.kind !== 'standalone');

    // Stopped in reverse order: the gateway (no new requests), the broker (it finishes the
    // deliveries in flight, which need their functions), the activator, the functions, the
    // services. Functions stopped before the broker would be woken again by its last deliveries.
    const services = await startServices(join(dataDir, 'services'), { env, log: out });
    cleanup.push(() => services.stop());
    const functions = new Map<string, FunctionProcess>();
    cleanup.push(() => Promise.all([...functions.values()].map((fn) => fn.stop('shutdown'))));
    out(
      `stack     | Redis ${services.redis.url} (${services.redis.kind}), MongoDB ${services.mongo.uri} (${services.mongo.kind})`,
    );

    const distDir = join(dataDir, 'dist');
    const built = performance.now();
    await Promise.all(sources.map((fn) => bundleFunction(fn, root, distDir)));
    out(
      `stack     | built ${sources.length} bundles in ${Math.round(performance.now() - built)} ms`,
    );

    const activator = createActivator(functions);
    const activatorPort = await listen(activator, 0, '127.0.0.1');
    cleanup.push(() => closeServer(activator));

    const [ingressPort, adminPort, brokerMetricsPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
    ]);
    const brokerUrl = `http://127.0.0.1:${ingressPort}/`;
    const activatorUrl = `http://127.0.0.1:${activatorPort}`;
    const brokerEnv = {
      ...passThrough(env),
      PORT: String(ingressPort),
      MULTIVAC_ADMIN_PORT: String(adminPort),
      METRICS_PORT: String(brokerMetricsPort),
      REDIS_URL: services.redis.url,
      MULTIVAC_TRIGGERS_FILE: join(root, 'knative/base/triggers.yaml'),
      MULTIVAC_SUBSCRIBER_URL: options.subscriberUrl?.(activatorUrl) ?? `${activatorUrl}/{name}`,
      MULTIVAC_CONSUMER_NAME: 'local',
      // Local only: the ingress and admin API are not for the network.
      MULTIVAC_BROKER_HOST: '127.0.0.1',
      K_SERVICE: 'broker',
    };
    const brokerSpec = await readServiceSpec(root, 'broker');
    const brokerFlags = nodeFlags(brokerSpec);
    const launchBroker = () =>
      startBroker(
        join(distDir, 'broker', 'index.cjs'),
        brokerFlags,
        { ...brokerEnv, ...mallocEnv(brokerSpec) },
        join(dataDir, 'broker.log'),
        out,
        ingressPort,
      );
    // Always on, as its Deployment is: a broker that dies (kill -9, out of memory) is started
    // again with backoff, and the log says so.
    const brokerProcess = supervise(launchBroker, await launchBroker(), {
      name: 'broker',
      log: (line) => out(`stack     | ${line}`),
    });
    cleanup.push(() => brokerProcess.stop());

    const functionEnv = {
      // Reached only through the gateway and the broker, as on Knative.
      MULTIVAC_LISTEN_HOST: '127.0.0.1',
      ...passThrough(env),
      REDIS_URL: services.redis.url,
      MONGODB_URI: services.mongo.uri,
      MONGODB_DB: env.MONGODB_DB ?? 'multivac',
      K_SINK: brokerUrl,
    };
    for (const fn of functionsSources) {
      const [port, metricsPort] = await Promise.all([freePort(), freePort()]);
      // As its Knative Service runs it: its V8 heap limits, its requests at once.
      const spec = await readServiceSpec(root, fn.name);
      functions.set(
        fn.name,
        new FunctionProcess({
          name: fn.name,
          bundle: join(distDir, fn.name, 'index.cjs'),
          nodeArgs: [...nodeFlags(spec), ...(sourceMaps ? ['--enable-source-maps'] : [])],
          ...(spec.containerConcurrency ? { concurrency: spec.containerConcurrency } : {}),
          port,
          env: {
            ...functionEnv,
            ...mallocEnv(spec),
            K_SERVICE: fn.name,
            METRICS_PORT: String(metricsPort),
          },
          idleMs: idleSeconds * 1000,
          warm,
          out,
          onStarted: (name, ms) => out(`${name.padEnd(10)}| cold start in ${ms} ms`),
          onStopped: (name, reason) => out(`${name.padEnd(10)}| stopped (${reason})`),
        }),
      );
    }
    if (warm) await Promise.all([...functions.values()].map((fn) => fn.start()));

    const gateway = createGateway(
      await loadRouting(join(root, 'knative/base/routing.yaml')),
      functions,
    );
    const gatewayPort = await listen(gateway, options.port ?? 8080, host);
    cleanup.push(() => closeServer(gateway));

    if (watch) {
      const watchers = await watchSources(sources, root, distDir, async (fn) => {
        out(`stack     | ${fn.name} rebuilt`);
        if (fn.kind === 'standalone') await brokerProcess.restart();
        else await functions.get(fn.name)?.restart();
      });
      cleanup.push(() => Promise.all(watchers.map((w) => w.dispose())));
    }

    const brokerControl: BrokerControl = {
      get pid() {
        return brokerProcess.pid;
      },
      metricsUrl: `http://127.0.0.1:${brokerMetricsPort}/metrics`,
      kill: () => brokerProcess.kill(),
      start: () => brokerProcess.start(),
    };

    return {
      url: `http://${host}:${gatewayPort}`,
      brokerUrl,
      adminUrl: `http://127.0.0.1:${adminPort}`,
      activatorUrl,
      broker: brokerControl,
      services,
      functions,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The manifest's MALLOC_ARENA_MAX, when it sets one. */
const mallocEnv = (spec: ServiceSpec) =>
  spec.mallocArenaMax ? { MALLOC_ARENA_MAX: spec.mallocArenaMax } : {};

/** The manifest's NODE_OPTIONS as node's own arguments. */
/** Node's flags from the manifest: its container's args, then NODE_OPTIONS (after NODE_FLAGS). */
const nodeFlags = (spec: ServiceSpec) => [
  ...(spec.nodeArgs ?? []),
  ...(spec.nodeOptions?.split(/\s+/).filter(Boolean) ?? []),
];

async function startBroker(
  bundle: string,
  flags: readonly string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  out: LineSink,
  port: number,
): Promise<ServerProcess> {
  const broker = spawnServer(
    process.execPath,
    [...NODE_FLAGS, ...flags, '--enable-source-maps', bundle],
    logFile,
    env,
  );
  pipeLines(broker.child.stdout, 'broker', out);
  pipeLines(broker.child.stderr, 'broker', out);
  await waitUntil('broker', httpReady(`http://127.0.0.1:${port}/readyz`), {
    exited: broker.exited,
    timeoutMs: 30_000,
  });
  return broker;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** esbuild's own watcher per function; `onRebuilt` runs after each successful rebuild. */
async function watchSources(
  sources: FunctionSource[],
  root: string,
  distDir: string,
  onRebuilt: (fn: FunctionSource) => Promise<void>,
): Promise<BuildContext[]> {
  return Promise.all(
    sources.map(async (fn) => {
      let first = true;
      const options = bundleOptions(fn, root, distDir);
      const ctx = await context({
        ...options,
        plugins: [
          ...(options.plugins ?? []),
          {
            name: 'restart-on-rebuild',
            setup(build) {
              build.onEnd(async (result) => {
                if (first) {
                  first = false;
                  return;
                }
                if (result.errors.length !== 0) return;
                // The code cache no longer fits the rebuilt bundle: rebuild it as well.
                await writeCodeCache(join(distDir, fn.name), codeCacheEnv(root)).catch(
                  () => undefined,
                );
                await onRebuilt(fn);
              });
            },
          },
        ],
      });
      await ctx.watch();
      return ctx;
    }),
  );
}
