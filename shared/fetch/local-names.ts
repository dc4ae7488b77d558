/**
 * Host names that can never be public: whatever they resolve to lies inside the machine, the
 * cluster or a private network. Each suffix is reserved for that by a standard or by ICANN, or is
 * the de-facto local domain that no registry will ever delegate.
 */
const localSuffixes: readonly [suffix: string, why: string][] = [
  ['localhost', 'a loopback name (RFC 6761)'],
  ['local', 'a multicast-DNS or cluster name (RFC 6762; Kubernetes: cluster.local)'],
  ['internal', 'a private-use name (ICANN: .internal; the metadata server is one)'],
  ['home.arpa', 'a home-network name (RFC 8375)'],
  ['localdomain', 'a local-domain name (never delegated; /etc/hosts uses it)'],
];

/**
 * Why `hostname` (lower case, no trailing dot, not an IP literal) can never be a public host, or
 * `null` when it may be. Single-label names count too: no public host has one, and a resolver
 * completes them with its search domains (in a pod: `redis` → `redis.<namespace>.svc.cluster.local`).
 */
export function localOnlyName(hostname: string): string | null {
  for (const [suffix, why] of localSuffixes) {
    if (hostname === suffix || hostname.endsWith(`.${suffix}`)) {
      return `host ${hostname} is ${why}`;
    }
  }
  if (!hostname.includes('.')) return `host ${hostname} is a single-label (search-domain) name`;
  return null;
}
