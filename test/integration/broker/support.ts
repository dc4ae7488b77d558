/**
 * What the broker's integration tests share: the broker as its own process (from source, through
 * tsx), real HTTP subscribers whose answers a test decides, a trigger table written to a temp
 * dir, and waits that poll the broker's own admin API rather than sleep.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { brokerKeys, type BrokerKeys } from '../../../functions/broker/keys';
import {
  freePort,
  spawnServer,
  waitUntil,
  type ServerProcess,
} from '../../../tools/services/index';

const ENTRY = resolve('functions/broker/index.ts');

/** One request a subscriber received. */
export interface Received {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** performance.now() when it arrived. */
  readonly at: number;
}

/**
 * What a subscriber answers: a status (and optional headers and body, sent after `delayMs` or
 * once `after` settles), or 'hang'.
 */
export type Answer =
  | number
  | {
      status: number;
      headers?: Record<string, string>;
      body?: string;
      delayMs?: number;
      after?: Promise<unknown>;
    }
  | 'hang';

export interface Subscriber {
  readonly url: string;
  readonly port: number;
  readonly received: Received[];
  /** Requests for one event id, in order. */
  attemptsOf(id: string): Received[];
  /** Requests received and not answered yet, whose connection is still open: in flight. */
  inFlight(): Received[];
  /** Decides the answer to each request; `n` counts this event id's requests from 1. */
  answer(decide: (request: Received, n: number) => Answer): void;
  close(): Promise<void>;
}

/** An HTTP subscriber on 127.0.0.1 (on `port` when given, e.g. one a test kept unused). */
export async function startSubscriber(port = 0): Promise<Subscriber> {
  const received: Received[] = [];
  const pending = new Set<Received>();
  const counts = new Map<string, number>();
  let decide: (request: Received, n: number) => Answer = () => 204;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: Received = {
        id: String(req.headers['ce-id']),
        type: String(req.headers['ce-type']),
        source: String(req.headers['ce-source']),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      received.push(request);
      pending.add(request);
      res.once('close', () => pending.delete(request));
      const n = (counts.get(request.id) ?? 0) + 1;
      counts.set(request.id, n);
      respond(res, decide(request, n));
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/`,
    port: bound,
    received,
    attemptsOf: (id) => received.filter((r) => r.id === id),
    inFlight: () => [...pending],
    answer: (fn) => void (decide = fn),
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function respond(res: ServerResponse, answer: Answer): void {
  if (answer === 'hang') return; // the broker's timeout ends it
  const {
    status,
    headers = {},
    body = '',
    delayMs = 0,
    after,
  } = typeof answer === 'number' ? { status: answer } : answer;
  const send = () => res.writeHead(status, headers).end(body);
  if (after) void after.finally(send);
  else if (delayMs > 0) setTimeout(send, delayMs);
  else send();
}

/** A trigger as the tests write it (the Knative shape, with short delivery settings). */
export interface TriggerSpec {
  name: string;
  filter?: Record<string, string>;
  subscriber: string;
  retry?: number;
  backoffPolicy?: 'linear' | 'exponential';
  backoffDelay?: string;
  timeout?: string;
  deadLetterSink?: string;
}

export function triggerTable(triggers: readonly TriggerSpec[]): string {
  return triggers
    .map((t) =>
      stringify({
        apiVersion: 'eventing.knative.dev/v1',
        kind: 'Trigger',
        metadata: { name: t.name },
        spec: {
          broker: 'multivac',
          ...(t.filter ? { filter: { attributes: t.filter } } : {}),
          subscriber: { uri: t.subscriber },
          delivery: {
            retry: t.retry ?? 3,
            backoffPolicy: t.backoffPolicy ?? 'exponential',
            backoffDelay: t.backoffDelay ?? 'PT0.1S',
            timeout: t.timeout ?? 'PT5S',
            ...(t.deadLetterSink ? { deadLetterSink: { uri: t.deadLetterSink } } : {}),
          },
        },
      }),
    )
    .join('---\n');
}

export interface TriggerStats {
  name: string;
  pending: number | null;
  lag: number | null;
  consumers: number;
}

export interface Stats {
  length: number;
  deadLetters: number;
  triggers: TriggerStats[];
}

export interface DeadLetterView {
  id: string;
  trigger: string;
  kind: string;
  reason: string;
  status: number | null;
  attempts: number;
  entry: string;
  event: { id: string; type: string; source: string; data?: unknown } | null;
}

export interface BrokerUnderTest {
  readonly ingress: string;
  readonly admin: string;
  readonly metrics: string;
  readonly stream: string;
  /** Its Redis keys (each trigger's stream: `keys.of(name).stream`). */
  readonly keys: BrokerKeys;
  /** The broker's log so far (JSON lines). */
  logs(): Promise<string>;
  stats(): Promise<Stats>;
  deadLetters(trigger?: string): Promise<DeadLetterView[]>;
  redrive(body: { ids?: string[]; trigger?: string }): Promise<{
    redriven: { id: string; trigger: string; entry: string }[];
    skipped: { id: string; reason: string }[];
  }>;
  /** A metric's value (sum over the series that contain every fragment). */
  metric(name: string, ...fragments: string[]): Promise<number>;
  /** Waits until no trigger has an entry pending or unread. */
  settled(timeoutMs?: number): Promise<void>;
  /** SIGKILL, no goodbye. */
  kill(): Promise<void>;
  /** SIGTERM: the graceful stop; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Starts it again with the same ports and stream (and consumer name, unless `env` says). */
  restart(env?: Record<string, string>): Promise<void>;
  /** Stops it and removes its temp dir. */
  dispose(): Promise<void>;
}

export interface BrokerOptions {
  redisUrl: string;
  stream: string;
  triggers: readonly TriggerSpec[];
  env?: Record<string, string>;
}

/**
 * The broker as its own process: `node --import tsx functions/broker/index.ts`, on free
 * loopback ports, with the trigger table in a temp dir; resolves once it is ready.
 */
export async function startBrokerProcess(options: BrokerOptions): Promise<BrokerUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'multivac-broker-'));
  const table = join(dir, 'triggers.yaml');
  await writeFile(table, triggerTable(options.triggers));
  const [ingressPort, adminPort, metricsPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
  ]);
  const logFile = join(dir, 'broker.log');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REDIS_URL: options.redisUrl,
    MULTIVAC_STREAM: options.stream,
    MULTIVAC_TRIGGERS_FILE: table,
    MULTIVAC_BROKER_HOST: '127.0.0.1',
    PORT: String(ingressPort),
    MULTIVAC_ADMIN_PORT: String(adminPort),
    METRICS_PORT: String(metricsPort),
    MULTIVAC_CONSUMER_NAME: 'test-broker',
    MULTIVAC_RETRY_SCAN_MS: '50',
    MULTIVAC_TRIM_INTERVAL_MS: '500',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const ingress = `http://127.0.0.1:${ingressPort}`;
  const admin = `http://127.0.0.1:${adminPort}`;
  const metrics = `http://127.0.0.1:${metricsPort}`;

  let child: ServerProcess;
  const launch = async (overrides: Record<string, string> = {}) => {
    child = spawnServer(process.execPath, ['--import', 'tsx', ENTRY], logFile, {
      ...env,
      ...overrides,
    });
    await waitUntil(
      'broker',
      async () => (await fetch(`${ingress}/readyz`).catch(() => undefined))?.status === 200,
      { exited: child.exited, timeoutMs: 30_000 },
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await readFile(logFile, 'utf8').catch(() => '')}`);
    });
  };
  await launch();

  const getJson = async <T>(url: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(url, init);
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const broker: BrokerUnderTest = {
    ingress,
    admin,
    metrics,
    stream: options.stream,
    keys: brokerKeys(options.stream),
    logs: () => readFile(logFile, 'utf8'),
    stats: () => getJson<Stats>(`${admin}/stats`),
    async deadLetters(trigger) {
      const query = trigger ? `?trigger=${encodeURIComponent(trigger)}&limit=1000` : '?limit=1000';
      return (await getJson<{ items: DeadLetterView[] }>(`${admin}/deadletters${query}`)).items;
    },
    redrive: (body) =>
      getJson(`${admin}/deadletters/redrive`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    async metric(name, ...fragments) {
      const text = await (await fetch(`${metrics}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(name) || !fragments.every((f) => line.includes(f))) continue;
        if (line[name.length] !== '{' && line[name.length] !== ' ') continue;
        sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    async settled(timeoutMs = 30_000) {
      await waitUntil(
        'every trigger to have nothing pending or unread',
        async () => {
          const stats = await broker.stats();
          return stats.triggers.every((t) => t.pending === 0 && t.lag === 0);
        },
        { timeoutMs, intervalMs: 50 },
      );
    },
    kill: () => child.kill(),
    async stop() {
      await child.stop(10_000);
      return child.exited;
    },
    restart: (overrides) => launch(overrides),
    async dispose() {
      await child.stop(10_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return broker;
}

/** Polls `check` until it holds (a bounded wait, never an assertion on time). */
export const waitFor = (
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
) => waitUntil(what, async () => check(), { timeoutMs, intervalMs: 20 });

/** A structured CloudEvent (JSON format). */
export const cloudEvent = (id: string, type: string, extra: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id,
  source: '/multivac/test',
  type,
  datacontenttype: 'application/json',
  data: { n: id },
  ...extra,
});

/** POSTs events: one in binary mode, several as a batch. Returns the HTTP status. */
export async function publish(
  ingress: string,
  events: readonly ReturnType<typeof cloudEvent>[],
): Promise<number> {
  let res: Response;
  if (events.length === 1) {
    const [event] = events as [ReturnType<typeof cloudEvent>];
    const headers: Record<string, string> = { 'content-type': event.datacontenttype };
    for (const [key, value] of Object.entries(event)) {
      if (key !== 'data' && key !== 'datacontenttype') headers[`ce-${key}`] = String(value);
    }
    res = await fetch(`${ingress}/`, {
      method: 'POST',
      headers,
      body: JSON.stringify(event.data),
    });
  } else {
    res = await fetch(`${ingress}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(events),
    });
  }
  await res.arrayBuffer();
  return res.status;
}
