import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { localOnlyName } from './local-names';

/** Decides which IP addresses `safeFetch` may dial, and which names are not worth resolving. */
export interface AddressPolicy {
  /** `null` when `address` may be dialled, otherwise a short reason ("address 10.0.0.1 is private"). */
  refusal(address: string): string | null;
  /**
   * `null` when `hostname` (not an IP literal) may be resolved and its addresses checked,
   * otherwise why it can never be public (`localhost`, `*.internal`, single-label names, …; see
   * `localOnlyName`). With any allowed range such names may resolve into it, so the address
   * check decides and this returns `null`.
   */
  nameRefusal(hostname: string): string | null;
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

// Global unicast IPv6 is allocated from 2000::/3 only. ipaddr.js calls everything it has no name
// for 'unicast', including deprecated IPv4-compatible addresses such as ::7f00:1 (::127.0.0.1).
const globalUnicastV6: Cidr = ipaddr.parseCIDR('2000::/3');
const metadataV4 = ipaddr.parse('169.254.169.254');

const rangeNames: Record<string, string> = {
  unspecified: 'unspecified ("this host")',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (shared address space)',
  private: 'private',
  reserved: 'reserved',
  uniqueLocal: 'unique-local',
  ipv4Mapped: 'IPv4-mapped',
  deprecatedSiteLocal: 'site-local',
  rfc6052: 'a NAT64 translation address',
  rfc6145: 'an IPv4-translated address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
};

/**
 * Parses CIDRs ("10.0.0.0/8", "fd00::/8"; a bare address means that address alone).
 * Throws a `TypeError` naming the bad entry: a configuration error, to surface at start-up.
 */
export function parseCidrs(cidrs: readonly string[]): Cidr[] {
  return cidrs.map((raw) => {
    const text = raw.trim();
    const bad = new TypeError(`allowedCidrs: "${raw}" is not a CIDR range`);
    // Node's strict check first: ipaddr.js would also take inet_aton shorthands like "10.1/16".
    if (isIP(text.split('/')[0] ?? '') === 0) throw bad;
    try {
      if (text.includes('/')) return ipaddr.parseCIDR(text);
      const address = ipaddr.parse(text);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    } catch {
      throw bad;
    }
  });
}

/**
 * The address check (docs/safe-fetching.md#2-the-address-check): an address may be dialled when, after unwrapping IPv4-mapped
 * IPv6 (`ipaddr.process`), it is public unicast (IPv6 also inside 2000::/3), or when it falls
 * inside one of `allowedCidrs` — exactly those ranges and nothing more. Anything that is not an
 * IP address is refused. Without allowed ranges, names that can never be public are refused
 * before they are resolved.
 */
export function createAddressPolicy(allowedCidrs: readonly string[] = []): AddressPolicy {
  const allowed = parseCidrs(allowedCidrs);
  return {
    nameRefusal: (hostname) => (allowed.length === 0 ? localOnlyName(hostname) : null),
    refusal(address) {
      if (isIP(address) === 0) return `"${address}" is not an IP address`;
      const ip = ipaddr.process(address);
      if (allowed.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits))) {
        return null;
      }
      const range = ip.range();
      if (ip.kind() === 'ipv4' && ip.match(metadataV4, 32)) {
        return `address ${address} is the cloud metadata server`;
      }
      if (range !== 'unicast') return `address ${address} is ${rangeNames[range] ?? range}`;
      if (ip.kind() === 'ipv6' && !ip.match(globalUnicastV6)) {
        return `address ${address} is not global unicast`;
      }
      return null;
    },
  };
}
