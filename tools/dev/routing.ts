import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';

/** What the gateway does with a request. */
export type RouteAction =
  | { kind: 'forward'; route: string; service: string; responseHeaders: Record<string, string> }
  | {
      kind: 'direct';
      route: string;
      status: number;
      body: string;
      responseHeaders: Record<string, string>;
    };

interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

interface MatchRequest {
  uri?: StringMatch;
  method?: StringMatch;
  /** Header name (lower case, as Istio requires) → how its value must match. */
  headers?: Record<string, StringMatch>;
}

interface HttpRoute {
  name?: string;
  match?: MatchRequest[];
  rewrite?: { authority?: string };
  route?: { destination: { host: string } }[];
  directResponse?: { status: number; body?: { string?: string } };
  headers?: { response?: { set?: Record<string, string> } };
}

type Matcher = (value: string) => boolean;

/** Request headers as Node gives them: lower-case names, repeated ones as arrays. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** Istio's StringMatch: exact, prefix or RE2 regex (full match). */
function compileMatch(match: StringMatch | undefined, what: string): Matcher {
  if (!match) return () => true;
  if (match.exact !== undefined) return (v) => v === match.exact;
  if (match.prefix !== undefined) return (v) => v.startsWith(match.prefix!);
  if (match.regex !== undefined) {
    const re = new RegExp(`^(?:${match.regex.replace(/^\^/, '').replace(/\$$/, '')})$`);
    return (v) => re.test(v);
  }
  throw new Error(`routing: unsupported ${what} match ${JSON.stringify(match)}`);
}

/**
 * Istio's header conditions: every named header must be present and its value match (Envoy
 * compares a repeated header's values joined with commas, as Node joins most of them).
 */
function compileHeaders(headers: Record<string, StringMatch> | undefined) {
  const conditions = Object.entries(headers ?? {}).map(([name, match]) => ({
    name: name.toLowerCase(),
    test: compileMatch(match, `header ${name}`),
  }));
  return (request: RequestHeaders) =>
    conditions.every(({ name, test }) => {
      const value = request[name];
      if (value === undefined) return false;
      return test(Array.isArray(value) ? value.join(',') : value);
    });
}

export interface Routing {
  /** The first route whose match applies (Istio semantics), or undefined (Istio answers 404). */
  resolve(method: string, path: string, headers?: RequestHeaders): RouteAction | undefined;
  /** Every Knative Service a route forwards to. */
  services(): string[];
}

/** The service a forwarding route targets: the first DNS label of its rewritten authority. */
function serviceOf(route: HttpRoute, index: number): string {
  const authority = route.rewrite?.authority ?? route.route?.[0]?.destination.host;
  if (!authority)
    throw new Error(
      `routing: route ${route.name ?? index} has neither rewrite.authority nor a destination`,
    );
  return authority.split('.')[0]!;
}

/**
 * Interprets the `http` routes of the production VirtualService (knative/base/routing.yaml) the
 * way Istio does: routes in order, a route applies when any of its `match` entries does (every
 * condition of that entry: uri, method, headers), the first applying route wins;
 * `directResponse` answers at the edge.
 */
export function compileRouting(yamlText: string): Routing {
  const docs = parseAllDocuments(yamlText).map(
    (d) => d.toJS() as { kind?: string; spec?: { http?: HttpRoute[] } },
  );
  const vs = docs.find((d) => d?.kind === 'VirtualService');
  if (!vs?.spec?.http) throw new Error('routing: no VirtualService with http routes');
  const compiled = vs.spec.http.map((route, index) => {
    const matches = (route.match ?? [{}]).map((m) => ({
      uri: compileMatch(m.uri, 'uri'),
      method: compileMatch(m.method, 'method'),
      headers: compileHeaders(m.headers),
    }));
    const responseHeaders = Object.fromEntries(
      Object.entries(route.headers?.response?.set ?? {}).map(([k, v]) => [
        k.toLowerCase(),
        String(v),
      ]),
    );
    const name = route.name ?? `route-${index}`;
    const action: RouteAction = route.directResponse
      ? {
          kind: 'direct',
          route: name,
          status: route.directResponse.status,
          body: route.directResponse.body?.string ?? '',
          responseHeaders,
        }
      : { kind: 'forward', route: name, service: serviceOf(route, index), responseHeaders };
    return { matches, action };
  });
  return {
    resolve(method, path, headers = {}) {
      return compiled.find((r) =>
        r.matches.some((m) => m.uri(path) && m.method(method) && m.headers(headers)),
      )?.action;
    },
    services() {
      return [
        ...new Set(
          compiled.flatMap((r) => (r.action.kind === 'forward' ? [r.action.service] : [])),
        ),
      ].sort();
    },
  };
}

export async function loadRouting(file: string): Promise<Routing> {
  return compileRouting(await readFile(file, 'utf8'));
}
