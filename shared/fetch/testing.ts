/**
 * Test helpers for code that fetches: local servers on 127.0.0.1 that stop themselves, a resolver
 * that answers from a table, and a certificate for TLS tests. Never imported by function code.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Resolver } from './resolve';

/** A running local server and what it has seen. */
export interface TestServer {
  port: number;
  /** `http://127.0.0.1:<port>` (or https, or `[::1]`). */
  origin: string;
  /** Requests received so far, in order. */
  readonly requests: { url: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /** The server closes itself after this long even if a test forgets to. Default 60 s. */
  lifetimeMs?: number;
  /** Loopback address to bind: 127.0.0.1 (default) or ::1. */
  host?: '127.0.0.1' | '::1';
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string; cert: string };
}

/**
 * Starts an HTTP(S) server on 127.0.0.1 (or ::1) on a free port. `close()` ends every open connection,
 * so a test never waits for a slow response it has given up on.
 */
export async function startTestServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: TestServerOptions = {},
): Promise<TestServer> {
  const host = options.host ?? '127.0.0.1';
  const requests: TestServer['requests'] = [];
  const sockets = new Set<Socket>();
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  };
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : createHttpServer(listener);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => {}); // a client refusing our certificate is a test outcome
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
    return closed;
  };
  const timer = setTimeout(() => void close(), options.lifetimeMs ?? 60_000);
  timer.unref();
  const scheme = options.tls ? 'https' : 'http';
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return { port, origin: `${scheme}://${authority}`, requests, close };
}

/** Whether this machine can listen on ::1 (some containers have no IPv6 loopback). */
export async function ipv6LoopbackAvailable(): Promise<boolean> {
  try {
    const server = await startTestServer(() => {}, { host: '::1', lifetimeMs: 1_000 });
    await server.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * A resolver answering from `table` (name → addresses, or a function for answers that change
 * between calls). Unknown names fail with `ENOTFOUND`, so nothing ever reaches real DNS.
 * `calls` counts lookups per name.
 */
export function tableResolver(
  table: Record<string, string[] | (() => string[])>,
): Resolver & { calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const resolve = async (hostname: string) => {
    calls.set(hostname, (calls.get(hostname) ?? 0) + 1);
    const entry = table[hostname];
    if (entry === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    const answers = typeof entry === 'function' ? entry() : entry;
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

/**
 * A self-signed certificate for `pinned.test` only (EC P-256, valid 2000–2100), generated once for
 * these tests. The key is public on purpose: it protects nothing.
 */
export const pinnedTestTls = {
  hostname: 'pinned.test',
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgAVhhfOoiWUOcnAfV
27Y1bOjxCAEuA9meUQcOiwVYNZOhRANCAAQsVyOQqlPFfOtzTvtWgPe3BQeqhsEq
I2d9M7RuQvZvAp3bfV6xFt/6URcpvOn2bBrgFpQQWjRmV4skpv1XW6J5
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBdDCCARqgAwIBAgIBATAKBggqhkjOPQQDAjAWMRQwEgYDVQQDDAtwaW5uZWQu
dGVzdDAgFw0wMDAxMDEwMDAwMDBaGA8yMTAwMDEwMTAwMDAwMFowFjEUMBIGA1UE
AwwLcGlubmVkLnRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQsVyOQqlPF
fOtzTvtWgPe3BQeqhsEqI2d9M7RuQvZvAp3bfV6xFt/6URcpvOn2bBrgFpQQWjRm
V4skpv1XW6J5o1cwVTAWBgNVHREEDzANggtwaW5uZWQudGVzdDAPBgNVHRMBAf8E
BTADAQH/MAsGA1UdDwQEAwIChDAdBgNVHQ4EFgQU+PuvnJ5k1yPqcdeqAOvqns7y
qaIwCgYIKoZIzj0EAwIDSAAwRQIhAOzVj8jt4YTEuSYsVW/oa2HzR9Cbc1Y3ULCk
DvEbrm3+AiBZieY8u7T4s2sE8eZYgEmr8sC9kRsffXhcppHTJNtP3A==
-----END CERTIFICATE-----
`,
};
