import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AddressPolicy } from './address-policy';
import { permanent, transient } from './errors';

/** One answer of a resolver: an IP address and its family. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name to every address it has (A and AAAA), like
 * `dns.promises.lookup(hostname, { all: true })`. Inject one in tests so that names answer
 * whatever a case needs and never reach real DNS. Errors should carry the `getaddrinfo` code
 * (`ENOTFOUND`, `EAI_AGAIN`, …), which decides whether the failure is permanent.
 */
export type Resolver = (
  hostname: string,
) => Promise<ReadonlyArray<{ address: string; family: number }>>;

/** The operating system's resolver (`getaddrinfo`, so `/etc/hosts` counts too). */
export const systemResolver: Resolver = (hostname) =>
  lookup(hostname, { all: true, verbatim: true });

// The name does not exist or has no A/AAAA records: asking again will not change the answer
// soon, and the user can submit the URL again. Anything else (EAI_AGAIN, SERVFAIL, a resolver
// timeout or refusal) is the resolver's trouble, not the name's, so it is worth a retry.
const permanentDnsCodes = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA', 'NXDOMAIN']);

/**
 * The addresses `hostname` may be dialled at: an IP literal is checked as it is (no resolver call);
 * a name the policy says can never be public is refused unresolved; any other name is resolved
 * once and every answer must pass `policy`, or the host is refused as a whole.
 * The caller pins the connection to exactly these addresses.
 */
export async function resolveChecked(
  hostname: string,
  policy: AddressPolicy,
  resolve: Resolver,
  signal: AbortSignal,
): Promise<ResolvedAddress[]> {
  const literal = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const family = isIP(literal);
  if (family !== 0) {
    const refusal = policy.refusal(literal);
    if (refusal) throw permanent('blocked-address', refusal);
    return [{ address: literal, family: family as 4 | 6 }];
  }

  // Never asked of a resolver: an internal one would answer (or log) names of its own network.
  const local = policy.nameRefusal(hostname);
  if (local) throw permanent('blocked-address', local);

  let answers: ReadonlyArray<{ address: string; family: number }>;
  try {
    answers = await untilAborted(resolve(hostname), signal);
  } catch (err) {
    if (signal.aborted) throw err;
    const code = String((err as { code?: unknown })?.code ?? 'unknown error');
    if (permanentDnsCodes.has(code)) {
      throw permanent('dns', `host ${hostname} not found (${code})`, { cause: err });
    }
    throw transient('dns', `resolving ${hostname} failed (${code})`, { cause: err });
  }
  if (answers.length === 0) throw permanent('dns', `host ${hostname} has no addresses`);

  return answers.map(({ address }) => {
    const refusal = policy.refusal(address);
    if (refusal) throw permanent('blocked-address', `host ${hostname}: ${refusal}`);
    return { address, family: isIP(address) as 4 | 6 };
  });
}

/** `promise`, or the signal's reason as soon as it aborts (a resolver cannot be cancelled). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
