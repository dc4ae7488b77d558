/**
 * A recording proxy between the broker and the local activator: the broker's subscriber URL
 * template points here (`startStack({subscriberUrl})`), so every delivery attempt — whatever
 * happens to the broker or the function — is seen and kept in the test process, which no fault
 * touches. It can also hold deliveries back (a slow subscriber).
 */
import { createServer, request, Agent, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Attempt {
  /** The function the broker delivered to (`/{name}` of the subscriber URL). */
  fn: string;
  type: string;
  source: string;
  id: string;
  /** The function's status, or 0 when it gave none (connection refused, reset, killed). */
  status: number;
  ms: number;
}

export interface Ledger {
  /** The template for `MULTIVAC_SUBSCRIBER_URL`. */
  readonly template: string;
  readonly attempts: readonly Attempt[];
  /** Where deliveries go (the activator); set before the first delivery. */
  target: string;
  /** Awaited before a delivery is forwarded (a slow subscriber); none by default. */
  hold?: (fn: string, type: string) => Promise<void> | void;
  /** Deliveries currently inside the proxy (held or forwarded). */
  readonly inFlight: number;
  stop(): Promise<void>;
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
};

export async function startLedger(): Promise<Ledger> {
  const attempts: Attempt[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  let inFlight = 0;
  const ledger: Ledger = {
    template: '',
    attempts,
    target: '',
    get inFlight() {
      return inFlight;
    },
    stop: async () => {},
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      inFlight++;
      const started = performance.now();
      const [, fn = ''] = (req.url ?? '/').split('/');
      const attempt = {
        fn,
        type: header(req, 'ce-type'),
        source: header(req, 'ce-source'),
        id: header(req, 'ce-id'),
      };
      try {
        const body = await new Promise<Buffer>((resolve, reject) => {
          const chunks: Buffer[] = [];
          req.on('data', (c: Buffer) => chunks.push(c));
          req.on('end', () => resolve(Buffer.concat(chunks)));
          req.on('error', reject);
        });
        await ledger.hold?.(fn, attempt.type);
        const target = new URL(req.url ?? '/', ledger.target);
        const answer = await new Promise<{ status: number; headers: object; body: Buffer }>(
          (resolve, reject) => {
            const upstream = request(
              target,
              { method: req.method, headers: req.headers, agent },
              (r) => {
                const chunks: Buffer[] = [];
                r.on('data', (c: Buffer) => chunks.push(c));
                r.on('end', () =>
                  resolve({
                    status: r.statusCode ?? 0,
                    headers: r.headers,
                    body: Buffer.concat(chunks),
                  }),
                );
                r.on('error', reject);
              },
            );
            upstream.on('error', reject);
            upstream.end(body);
          },
        );
        attempts.push({ ...attempt, status: answer.status, ms: performance.now() - started });
        const {
          'transfer-encoding': _te,
          connection: _c,
          ...headers
        } = answer.headers as Record<string, string>;
        res.writeHead(answer.status, headers).end(answer.body);
      } catch (err) {
        attempts.push({ ...attempt, status: 0, ms: performance.now() - started });
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(String(err));
        else res.destroy();
      } finally {
        inFlight--;
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(ledger, {
    template: `http://127.0.0.1:${port}/{name}`,
    stop: async () => {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

export interface LedgerFigures {
  /** Every attempt the broker made. */
  attempts: number;
  /** Attempts that did not end in 2xx (the broker retried them). */
  failedAttempts: number;
  /** Distinct events (source + id) that a function answered 2xx at least once. */
  delivered: number;
  /** 2xx answers beyond the first for an event: redeliveries the function absorbed. */
  redelivered: number;
}

const ok = (a: Attempt) => a.status >= 200 && a.status < 300;

/** Figures over the attempts, optionally of one event type only. */
export function ledgerFigures(attempts: readonly Attempt[], type?: string): LedgerFigures {
  const mine = type === undefined ? attempts : attempts.filter((a) => a.type === type);
  const succeeded = mine.filter(ok);
  const distinct = new Set(succeeded.map((a) => `${a.source} ${a.id}`));
  return {
    attempts: mine.length,
    failedAttempts: mine.length - succeeded.length,
    delivered: distinct.size,
    redelivered: succeeded.length - distinct.size,
  };
}

/** `source + id` of every event a function answered 2xx. */
export const deliveredKeys = (attempts: readonly Attempt[], type: string) =>
  new Set(attempts.filter((a) => a.type === type && ok(a)).map((a) => `${a.source} ${a.id}`));
