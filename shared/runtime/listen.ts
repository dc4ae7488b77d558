import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The configured address that means every interface. */
export const ANY_ADDRESS = '0.0.0.0';

/**
 * How long an idle kept-alive connection stays open: longer than the proxies in front keep theirs
 * (Go's `http.Transport`, which Knative's queue-proxy and activator build on, 90 s by default).
 * With Node's 5 s a proxy could send a request on a connection the function was closing at that
 * moment and get a reset: a 502 for a request the function never saw (knative/serving#12414;
 * here, the local stack's proxy under 50 concurrent 1 MiB uploads).
 */
export const KEEP_ALIVE_MS = 95_000;

/**
 * Listens on `port` (0: any free one), with connections kept alive for KEEP_ALIVE_MS, and resolves
 * with the bound port. A module of its own so
 * that the broker and the metrics server, which are not Functions Framework functions, listen the
 * same way without bundling the framework.
 *
 * Every interface is listened on without a host: given one, even an address, Node passes it
 * through `dns.lookup` and checks each result for IPv6 link-local with a regular expression it
 * compiles then — ~3 ms of a cold start before the function listens. Without a host it binds the
 * unspecified address at once: `::` where the machine has IPv6 (IPv4 included), else `0.0.0.0`.
 */
export async function listen(server: Server, port: number, host = ANY_ADDRESS): Promise<number> {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolve();
    };
    if (host === ANY_ADDRESS) server.listen(port, listening);
    else server.listen(port, host, listening);
  });
  return (server.address() as AddressInfo).port;
}
