import { BlockList, isIPv4 } from 'node:net';
import type { K8sObject } from './repo';
import { selects, type LabelSelector } from './workloads';

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { port?: number | string; endPort?: number; protocol?: string }[];
}

export interface NetworkPolicy extends K8sObject {
  spec: {
    podSelector: LabelSelector;
    policyTypes?: ('Ingress' | 'Egress')[];
    ingress?: Rule[];
    egress?: Rule[];
  };
}

/** A pod (namespace and labels) or an address outside the cluster. */
export type Endpoint = { namespace: string; labels: Record<string, string> } | { ip: string };

export const pod = (namespace: string, labels: Record<string, string>): Endpoint => ({
  namespace,
  labels,
});

const nsLabels = (namespace: string) => ({ 'kubernetes.io/metadata.name': namespace });

/** Whether the IPv4 address `ip` lies in `cidr` (IPv6 is never matched: the cluster is IPv4). */
export function inCidr(ip: string, cidr: string): boolean {
  const [network, bits] = cidr.split('/');
  if (!network || bits === undefined || !isIPv4(network) || !isIPv4(ip)) return false;
  const list = new BlockList();
  list.addSubnet(network, Number(bits), 'ipv4');
  return list.check(ip, 'ipv4');
}

export function policyTypes(policy: NetworkPolicy): ('Ingress' | 'Egress')[] {
  return policy.spec.policyTypes ?? (policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

function peerMatches(peer: Peer, policyNamespace: string, endpoint: Endpoint): boolean {
  if (peer.ipBlock) {
    // ipBlock is for addresses outside the cluster; pod traffic is matched by selectors.
    if (!('ip' in endpoint)) return false;
    return (
      inCidr(endpoint.ip, peer.ipBlock.cidr) &&
      !(peer.ipBlock.except ?? []).some((cidr) => inCidr(endpoint.ip, cidr))
    );
  }
  if ('ip' in endpoint) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, nsLabels(endpoint.namespace))
    : endpoint.namespace === policyNamespace;
  return namespaceOk && selects(peer.podSelector, endpoint.labels);
}

function portMatches(ports: Rule['ports'], port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port !== 'number') return false;
    return p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort;
  });
}

/** Whether the policies let `subject` receive from (Ingress) or send to (Egress) `peer`. */
export function allowed(
  policies: NetworkPolicy[],
  direction: 'Ingress' | 'Egress',
  subject: Endpoint,
  peer: Endpoint,
  port: number,
  protocol = 'TCP',
): boolean {
  if ('ip' in subject) return true;
  const applicable = policies.filter(
    (p) =>
      (p.metadata.namespace ?? 'default') === subject.namespace &&
      policyTypes(p).includes(direction) &&
      selects(p.spec.podSelector, subject.labels),
  );
  if (applicable.length === 0) return true;
  return applicable.some((p) =>
    ((direction === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? []).some((rule) => {
      const peers = direction === 'Ingress' ? rule.from : rule.to;
      const peerOk =
        !peers ||
        peers.length === 0 ||
        peers.some((candidate) => peerMatches(candidate, p.metadata.namespace ?? 'default', peer));
      return peerOk && portMatches(rule.ports, port, protocol);
    }),
  );
}

/** Whether a connection from `from` to `to` on `port` passes both ends' policies. */
export function connects(
  policies: NetworkPolicy[],
  from: Endpoint,
  to: Endpoint,
  port: number,
  protocol = 'TCP',
): boolean {
  return (
    allowed(policies, 'Egress', from, to, port, protocol) &&
    allowed(policies, 'Ingress', to, from, port, protocol)
  );
}
