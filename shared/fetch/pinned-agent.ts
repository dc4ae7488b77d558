import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type * as Undici from 'undici';
import type { Agent } from 'undici';
import type { ResolvedAddress } from './resolve';

/** Timeouts and trust for one pinned connection. */
export interface PinnedAgentOptions {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyIdleTimeoutMs: number;
  ca?: string | readonly string[];
}

/**
 * A `lookup` for `net.connect` that answers `hostname` with the addresses already checked, and
 * nothing else: the socket can only be dialled at an address that passed the policy, however the
 * name's DNS answers change in between (rebinding). It never calls a resolver.
 */
export function pinnedLookup(
  hostname: string,
  addresses: readonly ResolvedAddress[],
): LookupFunction {
  return (name, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : undefined;
    const matching = addresses.filter((a) => family === undefined || a.family === family);
    const first = matching[0];
    if (name !== hostname || !first) {
      const err = Object.assign(new Error(`no checked address for ${name}`), { code: 'ENOTFOUND' });
      callback(err, '', 0);
      return;
    }
    if (options.all) {
      callback(
        null,
        matching.map((a): LookupAddress => ({ address: a.address, family: a.family })),
      );
    } else {
      callback(null, first.address, first.family);
    }
  };
}

/**
 * A single-use undici `Agent` whose connections go to `addresses` only. TLS still verifies the
 * certificate against `hostname` (undici sends it as SNI `servername`, and Node checks it), because
 * the request URL keeps the name: only the lookup is replaced. IP-literal hosts never reach
 * `lookup` (nodejs/undici#2019), which is why `resolveChecked` checks literals itself.
 */
export function createPinnedAgent(
  undici: typeof Undici,
  hostname: string,
  addresses: readonly ResolvedAddress[],
  options: PinnedAgentOptions,
): Agent {
  return new undici.Agent({
    connect: {
      lookup: pinnedLookup(hostname, addresses),
      timeout: options.connectTimeoutMs,
      ...(options.ca === undefined ? {} : { ca: [options.ca].flat() }),
    },
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyIdleTimeoutMs,
    connections: 1,
  });
}
