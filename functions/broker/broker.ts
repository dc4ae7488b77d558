import { createServer, type Server } from 'node:http';
import { redisFor } from '../../shared/runtime/context';
import { listen } from '../../shared/runtime/listen';
import { firstAnswerOrIdle } from '../../shared/runtime/warm-up';
import type { BrokerConfig } from '../../shared/config/broker';
import type { Logger } from '../../shared/log/index';
import {
  metricsForProcess,
  startMetricsServer,
  type MetricsServer,
} from '../../shared/metrics/index';
import { createAdmin } from './admin';
import { visibilityTimeoutMs } from './backoff';
import { TriggerDispatcher } from './dispatcher';
import { StreamGroups } from './groups';
import { createIngress } from './ingress';
import { brokerKeys } from './keys';
import { startMaintenance } from './maintenance';
import { brokerMetrics } from './metrics';
import { prepareRedis } from './prepare';
import { createPublisher, type IngressClaims } from './publish';
import { routeFor } from './route';
import { loadTriggerTable, type Trigger } from './triggers';

export interface RunningBroker {
  readonly ingressPort: number;
  readonly adminPort?: number;
  readonly metricsPort?: number;
  readonly triggers: readonly Trigger[];
  /** Graceful stop: stop taking events and reading, finish deliveries in flight, close. */
  stop(): Promise<void>;
}

export interface StartOptions {
  config: BrokerConfig;
  /** This instance's consumer name (MULTIVAC_CONSUMER_NAME, HOSTNAME, or the host name). */
  consumer: string;
  log: Logger;
}

/** No connection to a subscriber takes longer than this, nor than the longest attempt. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Starts the broker: reads the trigger table (refusing a bad one), listens, waits for Redis,
 * makes every trigger's stream and consumer group, then turns ready and starts the dispatchers
 * and the trimming. Until then — and whenever Redis lost a stream, until it is made again — the
 * ingress answers 503, so no event is accepted where no group would read it.
 */
export async function startBroker({ config, consumer, log }: StartOptions): Promise<RunningBroker> {
  const triggers = await loadTriggerTable(config.MULTIVAC_TRIGGERS_FILE, {
    subscriberTemplate: config.MULTIVAC_SUBSCRIBER_URL,
    namespace: config.MULTIVAC_NAMESPACE,
  });
  const keys = brokerKeys(config.MULTIVAC_STREAM);
  const triggerKeys = triggers.map((t) => keys.of(t.name));
  const metrics = brokerMetrics(metricsForProcess('broker'));
  // Commands issued in one turn of the event loop (the appends of the requests that came in
  // together, their acknowledgements) go to Redis in one write: a write per command was the
  // broker's largest cost per event.
  const commands = redisFor(config.REDIS_URL, metrics.base, { enableAutoPipelining: true });
  const redis = () => commands.client();
  const groups = new StreamGroups({ redis, triggers: triggerKeys, log });
  // Set once the dispatchers run: from then on the append also reads their new entries.
  const dispatching: { claims?: IngressClaims } = {};
  const publish = createPublisher({
    redis,
    triggers: triggerKeys,
    route: routeFor(triggers),
    dedupTtlSeconds: config.MULTIVAC_DEDUP_TTL_SECONDS,
    onLost: (stream) => groups.lost(stream),
    metrics,
    claims: () => dispatching.claims,
  });
  let ready = false;
  let stopping = false;
  const host = config.MULTIVAC_BROKER_HOST;

  const closers: (() => Promise<void>)[] = [];
  const ingress = createServer(
    createIngress({
      publish,
      maxRequestBytes: config.MULTIVAC_BODY_LIMIT_BYTES,
      maxEventBytes: config.MULTIVAC_MAX_EVENT_BYTES,
      unavailable: () =>
        stopping
          ? 'the broker is stopping'
          : !ready
            ? 'the broker is starting'
            : groups.ready
              ? undefined
              : 'Redis lost event streams; the broker is making them again',
      log,
      metrics,
    }),
  );
  const ingressPort = await listen(ingress, config.PORT, host);
  closers.push(() => close(ingress));
  let metricsServer: MetricsServer | undefined;
  if (config.METRICS_PORT !== undefined) {
    metricsServer = await startMetricsServer(metrics.base.registry, config.METRICS_PORT, host);
    closers.push(() => metricsServer!.close());
  }
  log.info(
    { ingressPort, metricsPort: metricsServer?.port, consumer, stream: keys.base },
    'broker listening; connecting to Redis',
  );

  const retired = await prepareRedis({
    redis: await redis(),
    keys,
    triggers: triggers.map((t) => t.name),
    groups,
    log,
  });
  // The admin API lists dead letters of retired triggers too, so it waits for the registry.
  let adminPort: number | undefined;
  if (config.MULTIVAC_ADMIN_PORT !== undefined) {
    const handle = createAdmin({ redis, keys, triggers, retired, log, metrics });
    const admin = createServer((req, res) => void handle(req, res));
    adminPort = await listen(admin, config.MULTIVAC_ADMIN_PORT, host);
    closers.push(() => close(admin));
    log.info({ adminPort }, 'admin API listening');
  }

  // The ingress needs only Redis: it takes events from here on, and they wait in their streams
  // for the dispatchers. undici, which delivers them, takes about 25 ms to load: that starts once
  // a request waiting for readiness has been answered, so it does not delay the answer.
  ready = true;
  await firstAnswerOrIdle(ingress);
  const { Agent } = await import('undici');
  const http = new Agent({
    keepAliveTimeout: 30_000,
    connections: config.MULTIVAC_DELIVERY_CONCURRENCY * triggers.length,
    connect: {
      timeout: Math.min(CONNECT_TIMEOUT_MS, Math.max(...triggers.map((t) => t.timeoutMs))),
    },
  });
  const dispatchers = triggers.map(
    (trigger, i) =>
      new TriggerDispatcher({
        trigger,
        keys: triggerKeys[i]!,
        consumer,
        concurrency: config.MULTIVAC_DELIVERY_CONCURRENCY,
        retryScanMs: config.MULTIVAC_RETRY_SCAN_MS,
        visibilityMs: visibilityTimeoutMs(trigger, config.MULTIVAC_VISIBILITY_MARGIN_MS),
        redis,
        reader: redisFor(config.REDIS_URL, metrics.base, { maxRetriesPerRequest: null }),
        http,
        publish,
        onLost: (what) => groups.lost(what),
        maxEventBytes: config.MULTIVAC_MAX_EVENT_BYTES,
        metrics,
        log,
      }),
  );
  for (const dispatcher of dispatchers) dispatcher.start();
  dispatching.claims = {
    consumer,
    reserve: (t) => dispatchers[t]!.reserve(),
    take: (t, reserved, entries) => dispatchers[t]!.takeRead(reserved, entries),
  };
  const maintenance = startMaintenance({
    redis,
    keys,
    triggers: triggers.map((t) => t.name),
    intervalMs: config.MULTIVAC_TRIM_INTERVAL_MS,
    metrics,
    log,
  });
  log.info({ triggers: triggers.map((t) => t.name) }, 'broker ready');

  return {
    ingressPort,
    ...(adminPort !== undefined ? { adminPort } : {}),
    ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
    triggers,
    async stop() {
      if (stopping) return;
      stopping = true;
      log.info('broker stopping: no new events, finishing deliveries in flight');
      groups.stop();
      await Promise.all(dispatchers.map((d) => d.stop()));
      await maintenance.stop();
      await Promise.all(closers.map((c) => c().catch(() => undefined)));
      await http.close();
      await commands.quit();
      log.info('broker stopped');
    },
  };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
