import { createServer, type Server } from 'node:http';
import type { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { redisFor } from '../../shared/runtime/context';
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
import { createIngress } from './ingress';
import { brokerKeys } from './keys';
import { startMaintenance } from './maintenance';
import { brokerMetrics } from './metrics';
import { createPublisher } from './publish';
import { ensureGroup, groupsOf } from './streams';
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

/** Eviction policies that may drop keys without a TTL — the streams. */
const EVICTING = /^allkeys-/;

/**
 * Starts the broker: reads the trigger table (refusing a bad one), listens, waits for Redis,
 * creates the stream and one consumer group per trigger, then turns ready and starts the
 * dispatchers and the trimming. Until then the ingress answers 503, so no event can be published
 * before every group exists to read it.
 */
export async function startBroker({ config, consumer, log }: StartOptions): Promise<RunningBroker> {
  const triggers = await loadTriggerTable(config.MULTIVAC_TRIGGERS_FILE, {
    subscriberTemplate: config.MULTIVAC_SUBSCRIBER_URL,
    namespace: config.MULTIVAC_NAMESPACE,
  });
  const keys = brokerKeys(config.MULTIVAC_STREAM);
  const metrics = brokerMetrics(metricsForProcess('broker'));
  const commands = redisFor(config.REDIS_URL, metrics.base);
  const redis = () => commands.client();
  const publish = createPublisher(redis, keys, config.MULTIVAC_DEDUP_TTL_SECONDS);
  const http = new Agent({
    keepAliveTimeout: 30_000,
    connections: config.MULTIVAC_DELIVERY_CONCURRENCY * triggers.length,
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
      ready: () => ready && !stopping,
      log,
      metrics,
    }),
  );
  const ingressPort = await listen(ingress, config.PORT, host);
  closers.push(() => close(ingress));
  let adminPort: number | undefined;
  if (config.MULTIVAC_ADMIN_PORT !== undefined) {
    const handle = createAdmin({ redis, keys, triggers, log, metrics });
    const admin = createServer((req, res) => void handle(req, res));
    adminPort = await listen(admin, config.MULTIVAC_ADMIN_PORT, host);
    closers.push(() => close(admin));
  }
  let metricsServer: MetricsServer | undefined;
  if (config.METRICS_PORT !== undefined) {
    metricsServer = await startMetricsServer(metrics.base.registry, config.METRICS_PORT, host);
    closers.push(() => metricsServer!.close());
  }
  log.info(
    { ingressPort, adminPort, metricsPort: metricsServer?.port, consumer, stream: keys.stream },
    'broker listening; connecting to Redis',
  );

  await prepareRedis(await redis(), keys.stream, triggers, log);

  const dispatchers = triggers.map(
    (trigger) =>
      new TriggerDispatcher({
        trigger,
        keys,
        consumer,
        concurrency: config.MULTIVAC_DELIVERY_CONCURRENCY,
        retryScanMs: config.MULTIVAC_RETRY_SCAN_MS,
        visibilityMs: visibilityTimeoutMs(trigger, config.MULTIVAC_VISIBILITY_MARGIN_MS),
        redis,
        reader: redisFor(config.REDIS_URL, metrics.base, { maxRetriesPerRequest: null }),
        http,
        publish,
        maxEventBytes: config.MULTIVAC_MAX_EVENT_BYTES,
        metrics,
        log,
      }),
  );
  for (const dispatcher of dispatchers) dispatcher.start();
  const maintenance = startMaintenance({
    redis,
    keys,
    triggers: triggers.map((t) => t.name),
    intervalMs: config.MULTIVAC_TRIM_INTERVAL_MS,
    metrics,
    log,
  });
  ready = true;
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
      await Promise.all(dispatchers.map((d) => d.stop()));
      await maintenance.stop();
      await Promise.all(closers.map((c) => c().catch(() => undefined)));
      await http.close();
      await commands.quit();
      log.info('broker stopped');
    },
  };
}

/**
 * Waits until Redis answers, warns when it may evict the streams, creates the stream and the
 * groups, and names groups on the stream that no trigger owns (they still hold trimming back).
 */
async function prepareRedis(
  redis: Redis,
  stream: string,
  triggers: readonly Trigger[],
  log: Logger,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await redis.ping();
      break;
    } catch (err) {
      log.warn({ err, attempt }, 'Redis does not answer yet; waiting');
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 5000)));
    }
  }
  try {
    const [, policy] = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    if (policy && EVICTING.test(policy)) {
      log.warn(
        { policy },
        'Redis may evict keys without a TTL under memory pressure, and the event streams have none: use volatile-lru or noeviction',
      );
    }
  } catch (err) {
    log.debug({ err }, 'cannot read maxmemory-policy (CONFIG disabled?)');
  }
  for (const trigger of triggers) {
    if (await ensureGroup(redis, stream, trigger.name)) {
      log.info({ trigger: trigger.name }, 'consumer group created');
    }
  }
  const names = new Set(triggers.map((t) => t.name));
  const others = (await groupsOf(redis, stream)).filter((g) => !names.has(g.name));
  for (const group of others) {
    log.warn(
      { group: group.name, pending: group.pending, lag: group.lag },
      'a consumer group on the stream has no trigger: it is kept (groups are never deleted) and holds trimming back until it is removed with XGROUP DESTROY',
    );
  }
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
