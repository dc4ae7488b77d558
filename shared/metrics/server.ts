import { createServer } from 'node:http';
import type { Registry } from 'prom-client';
import { ANY_ADDRESS, listen } from '../runtime/listen';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` for Prometheus on its own port, apart from the function's port: Knative
 * exposes one port per container, and scraping must not count as traffic that keeps a pod warm.
 */
export async function startMetricsServer(
  registry: Registry,
  port: number,
  host = ANY_ADDRESS,
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
    );
  });
  const bound = await listen(server, port, host);
  server.unref();
  return {
    port: bound,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
