import type { K8sObject } from './repo';

type StringMatch = { exact?: string; prefix?: string; regex?: string };

export interface HttpRoute {
  name?: string;
  match?: { uri?: StringMatch; method?: StringMatch; headers?: Record<string, StringMatch> }[];
  rewrite?: { authority?: string };
  route?: { destination: { host: string; port?: { number: number } } }[];
  directResponse?: { status: number };
  headers?: { response?: { set?: Record<string, string> } };
}

export interface VirtualService extends K8sObject {
  spec: { hosts: string[]; gateways?: string[]; http: HttpRoute[] };
}

/** Istio's string match; regexes are RE2 and anchored to the whole value. */
function stringMatches(match: StringMatch | undefined, value: string): boolean {
  if (!match) return true;
  if (match.exact !== undefined) return value === match.exact;
  if (match.prefix !== undefined) return value.startsWith(match.prefix);
  if (match.regex !== undefined) return new RegExp(`^(?:${match.regex})$`).test(value);
  return true;
}

/** Istio's header conditions: each named header present and matching (names are lower case). */
function headersMatch(
  conditions: Record<string, StringMatch> | undefined,
  headers: Record<string, string>,
): boolean {
  return Object.entries(conditions ?? {}).every(([name, match]) => {
    const value = headers[name];
    return value !== undefined && stringMatches(match, value);
  });
}

/** The first route whose match (any of its match blocks) takes the request, as Istio picks. */
export function routeFor(
  vs: VirtualService,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): HttpRoute | undefined {
  return vs.spec.http.find(
    (route) =>
      !route.match ||
      route.match.some(
        (m) =>
          stringMatches(m.uri, path) &&
          stringMatches(m.method, method) &&
          headersMatch(m.headers, headers),
      ),
  );
}

/** `<name>.<namespace>.svc.cluster.local` → name and namespace. */
export function authorityTarget(
  authority: string,
): { name: string; namespace: string } | undefined {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(authority);
  return m ? { name: m[1]!, namespace: m[2]! } : undefined;
}
