import { connects, inCidr, type Endpoint, type NetworkPolicy } from './netpol';
import type { K8sObject } from './repo';

/** Istio's AuthorizationPolicy, the fields the edge allow-list uses. */
export interface AuthorizationPolicy extends K8sObject {
  spec: {
    selector?: { matchLabels: Record<string, string> };
    action?: string;
    rules: {
      from?: { source: { ipBlocks?: string[]; remoteIpBlocks?: string[] } }[];
      to?: { operation: { ports?: string[] } }[];
    }[];
  };
}

/** Knative's data plane as the rendered manifests configure it. */
export interface DataPlane {
  policies: NetworkPolicy[];
  /** The ALLOW policies on the ingress gateway pods (knative/edge). */
  allowList: AuthorizationPolicy[];
  /** An Istio ingress gateway pod: the public listeners and Knative's cluster-local gateway. */
  gateway: Endpoint;
  /** Knative's activator, which holds and forwards requests to any revision. */
  activator: Endpoint;
  /** The functions the public routes forward to (routing.yaml). */
  routed: readonly string[];
}

/** Pod ports: queue-proxy (the way into every function pod), the gateway's listeners. */
export const QUEUE_PROXY = 8012;
export const LOCAL_GATEWAY = 8081;
export const PUBLIC_LISTENERS = [8080, 8443] as const;

/**
 * Whether the edge allow-list lets `from` use the public listener on `port`: an ALLOW rule for
 * that port whose sources include its address (a rule without `from` admits everyone). Pods have
 * no address in this model, and no allow-list names a pod range, so pods are refused here.
 */
export function admittedByAllowList(
  allowList: readonly AuthorizationPolicy[],
  from: Endpoint,
  port: number,
): boolean {
  return allowList.some((policy) =>
    policy.spec.rules.some((rule) => {
      const forPort = !rule.to || rule.to.some((t) => t.operation.ports?.includes(String(port)));
      if (!forPort) return false;
      if (!rule.from) return true;
      if (!('ip' in from)) return false;
      return rule.from.some(({ source }) =>
        [...(source.ipBlocks ?? []), ...(source.remoteIpBlocks ?? [])].some((cidr) =>
          inCidr(from.ip, cidr.includes('/') ? cidr : `${cidr}/32`),
        ),
      );
    }),
  );
}

/**
 * The ways a request from `from` can reach the function pod `to` (on queue-proxy's port), each
 * named: `direct`; through the `activator`; through Knative's `local gateway` (which forwards by
 * authority to any function, straight or through the activator); through the `public gateway`
 * (allow-list, then a route of routing.yaml, then the local gateway). Empty: no way at all.
 */
export function pathsTo(plane: DataPlane, from: Endpoint, to: Endpoint): string[] {
  const { policies, gateway, activator } = plane;
  const reaches = (a: Endpoint, b: Endpoint, port: number) => connects(policies, a, b, port);
  const viaActivator = (source: Endpoint) =>
    reaches(source, activator, QUEUE_PROXY) && reaches(activator, to, QUEUE_PROXY);
  // What a gateway pod forwards goes to the pod, or to the activator while it scales from zero.
  const onward = (relay: Endpoint) => reaches(relay, to, QUEUE_PROXY) || viaActivator(relay);
  const name = 'labels' in to ? to.labels['app.kubernetes.io/name'] : undefined;

  const paths: string[] = [];
  if (reaches(from, to, QUEUE_PROXY)) paths.push('direct');
  if (viaActivator(from)) paths.push('activator');
  if (reaches(from, gateway, LOCAL_GATEWAY) && onward(gateway)) paths.push('local gateway');
  const publicListener = PUBLIC_LISTENERS.some(
    (port) => reaches(from, gateway, port) && admittedByAllowList(plane.allowList, from, port),
  );
  if (
    publicListener &&
    name !== undefined &&
    plane.routed.includes(name) &&
    reaches(gateway, gateway, LOCAL_GATEWAY) &&
    onward(gateway)
  ) {
    paths.push('public gateway');
  }
  return paths;
}
