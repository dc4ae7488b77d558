import { describe, expect, it } from 'vitest';
import { EventType } from '../../shared/events/catalogue';
import {
  configSchema,
  emittedEventTypes,
  knownVariables,
  makeEventFirstArguments,
  registeredSignature,
  requiredVariables,
} from './support/functions';
import {
  baseName,
  byKind,
  DESIGNED_FUNCTIONS,
  functionFolders,
  runsKubectl,
  overlays,
  parseDocuments,
  readText,
  readYaml,
  renderOverlay,
  type K8sObject,
} from './support/repo';
import { authorityTarget, routeFor, type VirtualService } from './support/routes';
import { workloads, type Container, type Workload } from './support/workloads';

/** Everything that is a function: the folders of functions/ and the six the architecture names. */
const FUNCTIONS = [...new Set([...functionFolders(), ...DESIGNED_FUNCTIONS])].sort();
/** The one function that is always on (docs/architecture.md#broker). */
const ALWAYS_ON = 'broker';
/**
 * Components served by public routes: `api` (the API's functions) and `web` (the console, which
 * reaches no datastore).
 */
const ROUTED = ['api', 'web'];
/** What a browser sends when it opens a page. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const BROKER_URL = 'http://broker.multivac.svc.cluster.local';
/** Variables Knative sets itself and refuses in a Service (PORT is the container port). */
const KNATIVE_RESERVED = ['PORT', 'K_SERVICE', 'K_CONFIGURATION', 'K_REVISION'];
/** Ports Knative's queue-proxy sidecar takes in every function pod. */
const QUEUE_PROXY_PORTS = [8012, 8013, 8022, 8112, 9090, 9091];
/** Variables a manifest may set that no config schema reads, and who reads them instead. */
const READ_ELSEWHERE: Record<string, string> = {
  FUNCTION_TARGET: 'the Functions Framework',
  FUNCTION_SIGNATURE_TYPE: 'the Functions Framework',
  NODE_EXTRA_CA_CERTS: 'Node.js (trust for a TLS Redis)',
  NODE_OPTIONS: 'Node.js (V8 heap limits within the container memory limit)',
  MALLOC_ARENA_MAX: 'glibc (fewer malloc arenas, less RSS)',
};

interface Trigger extends K8sObject {
  spec: {
    filter: { attributes: { type: string } };
    subscriber: { ref: { apiVersion: string; kind: string; name: string; namespace?: string } };
    delivery?: { timeout?: string };
  };
}

const triggers = parseDocuments<Trigger>(readText('knative/base/triggers.yaml'));

interface SkaffoldArtifact {
  image: string;
  docker?: { dockerfile?: string; buildArgs?: Record<string, string> };
}
const skaffold = readYaml<{ build: { artifacts: SkaffoldArtifact[] } }>('skaffold.yaml');

const seconds = (duration: string): number => {
  const m = /^PT(?:(\d+)M)?(?:(\d+)S)?$/.exec(duration);
  if (!m) throw new Error(`unsupported duration ${duration}`);
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
};

describe('every function has one image', () => {
  it.each(FUNCTIONS)(
    '%s: exactly one skaffold artifact, built by the shared Dockerfile',
    (name) => {
      const artifacts = skaffold.build.artifacts.filter((a) => a.image === name);
      expect(artifacts).toHaveLength(1);
      expect(artifacts[0]!.docker?.dockerfile).toBe('Dockerfile');
      expect(artifacts[0]!.docker?.buildArgs).toEqual({ FUNCTION: name });
    },
  );

  it('and skaffold builds nothing that is not a function', () => {
    expect(skaffold.build.artifacts.map((a) => a.image).sort()).toEqual(FUNCTIONS);
  });
});

describe('events: every type a function emits has a trigger for its consumers', () => {
  const subscribersOf = (type: string) =>
    triggers
      .filter((t) => t.spec.filter.attributes.type === type)
      .map((t) => t.spec.subscriber.ref.name)
      .sort();

  // docs/architecture.md#events: who consumes what.
  it.each([
    [EventType.SourceRequested, ['acquire']],
    [EventType.SourceAcquired, ['learn']],
    [EventType.SourceFailed, ['learn']],
    [EventType.LearningRequested, ['learn']],
    [EventType.DocumentLearn, ['learn']],
  ])('%s goes to %j', (type, consumers) => {
    expect(subscribersOf(type)).toEqual(consumers);
  });

  it('answer.updated may have no trigger: it is for observers outside MultiVAC', () => {
    const exempt = [EventType.AnswerUpdated];
    const catalogue = Object.values(EventType);
    expect(catalogue.filter((t) => subscribersOf(t).length === 0)).toEqual(exempt);
  });

  it('every trigger filters on a type of the catalogue', () => {
    const catalogue: string[] = Object.values(EventType);
    expect(
      triggers.map((t) => t.spec.filter.attributes.type).filter((t) => !catalogue.includes(t)),
    ).toEqual([]);
  });

  it.each(functionFolders())(
    '%s: each type its code emits (EventType.<Name> in makeEvent calls) has a trigger',
    (name) => {
      const missing = emittedEventTypes(name).filter(
        (type) => type !== EventType.AnswerUpdated && subscribersOf(type).length === 0,
      );
      expect(missing).toEqual([]);
    },
  );

  it('reads the emitted types from the first argument of makeEvent calls, ternaries included', () => {
    const source = `
      await emit(makeEvent(EventType.SourceRequested, { url }, { source: SOURCE }));
      const e = makeEvent(
        ok ? EventType.SourceAcquired : EventType.SourceFailed,
        data(EventType.DocumentLearn),
        opts,
      );`;
    expect(makeEventFirstArguments(source).map((a) => a.trim())).toEqual([
      'EventType.SourceRequested',
      'ok ? EventType.SourceAcquired : EventType.SourceFailed',
    ]);
  });
});

describe.skipIf(!runsKubectl).each(overlays())('overlay %s', (overlay) => {
  const docs = () => renderOverlay(overlay);
  const all = () => workloads(docs());
  const fns = () => all().filter((w) => FUNCTIONS.includes(w.name));
  const fn = (name: string): Workload => {
    const found = fns().filter((w) => w.name === name);
    if (found.length !== 1) throw new Error(`${name}: ${found.length} workloads`);
    return found[0]!;
  };
  const main = (w: Workload): Container => w.pod.containers[0]!;
  const envValue = (w: Workload, name: string) => main(w).env?.find((e) => e.name === name)?.value;
  const configMap = (name: string) =>
    byKind(docs(), 'ConfigMap').find((c) => c.metadata.name === name) as
      (K8sObject & { data?: Record<string, string> }) | undefined;
  const secret = (name: string) =>
    byKind(docs(), 'Secret').find((c) => c.metadata.name === name) as
      (K8sObject & { data?: Record<string, string> }) | undefined;

  describe('functions and workloads', () => {
    it.each(FUNCTIONS)(
      '%s has exactly one workload of its name (a Knative Service; the broker a Deployment)',
      (name) => {
        const mine = all().filter((w) => w.name === name);
        expect(mine.map((w) => `${w.object.apiVersion}/${w.kind}`)).toEqual([
          name === ALWAYS_ON ? 'apps/v1/Deployment' : 'serving.knative.dev/v1/Service',
        ]);
        expect(mine[0]!.namespace).toBe('multivac');
      },
    );

    it.each(FUNCTIONS)(
      '%s runs as its own ServiceAccount, with its image and container name',
      (name) => {
        const w = fn(name);
        expect(w.pod.serviceAccountName).toBe(name);
        expect(byKind(docs(), 'ServiceAccount').some((sa) => sa.metadata.name === name)).toBe(true);
        expect(w.pod.containers).toHaveLength(1);
        expect(main(w).name).toBe(name);
        expect(main(w).image).toBe(name);
      },
    );

    it('every Knative Service is a function', () => {
      const services = all()
        .filter((w) => w.knative)
        .map((w) => w.name);
      expect(services.filter((n) => !FUNCTIONS.includes(n))).toEqual([]);
    });
  });

  describe('scaling', () => {
    it.each(FUNCTIONS.filter((n) => n !== ALWAYS_ON))('%s scales to zero', (name) => {
      expect(fn(name).annotations['autoscaling.knative.dev/min-scale']).toBe('0');
    });

    it('the broker is always on', () => {
      const broker = fn(ALWAYS_ON);
      const replicas = (broker.object.spec as { replicas?: number }).replicas ?? 1;
      expect(replicas).toBeGreaterThanOrEqual(1);
      expect(broker.knative).toBe(false);
    });

    it.each(FUNCTIONS.filter((n) => n !== ALWAYS_ON))(
      '%s sets its own max-scale, target, containerConcurrency and timeout',
      (name) => {
        const w = fn(name);
        const max = Number(w.annotations['autoscaling.knative.dev/max-scale']);
        const target = Number(w.annotations['autoscaling.knative.dev/target']);
        expect(max).toBeGreaterThanOrEqual(1);
        expect(w.annotations['autoscaling.knative.dev/metric']).toBe('concurrency');
        expect(target).toBeGreaterThanOrEqual(1);
        expect(w.pod.containerConcurrency).toBeGreaterThanOrEqual(target);
        expect(w.pod.timeoutSeconds).toBeGreaterThan(0);
        expect(w.pod.timeoutSeconds).toBeLessThanOrEqual(600);
      },
    );

    it('workers (heavy per event) take fewer requests at once than the HTTP functions', () => {
      const cc = (component: string) =>
        fns()
          .filter((w) => w.labels['app.kubernetes.io/component'] === component)
          .map((w) => w.pod.containerConcurrency ?? 0);
      expect(cc('worker').length).toBeGreaterThan(0);
      expect(Math.max(...cc('worker'))).toBeLessThan(Math.min(...cc('api')));
    });

    it.each(triggers.map((t) => [t.metadata.name, t] as const))(
      'trigger %s: the subscriber runs longer than the delivery timeout',
      (_name, trigger) => {
        const subscriber = fn(trigger.spec.subscriber.ref.name);
        expect(subscriber.pod.timeoutSeconds).toBeGreaterThan(
          seconds(trigger.spec.delivery?.timeout ?? 'PT0S'),
        );
      },
    );
  });

  describe('environment', () => {
    /** Names a container gets: env entries and the keys of the ConfigMaps/Secrets it takes whole. */
    const provided = (w: Workload): Set<string> => {
      const names = new Set((main(w).env ?? []).map((e) => e.name));
      for (const from of main(w).envFrom ?? []) {
        if (from.configMapRef && !from.configMapRef.optional) {
          for (const key of Object.keys(configMap(from.configMapRef.name)?.data ?? {}))
            names.add(key);
        }
        if (from.secretRef && !from.secretRef.optional) {
          for (const key of Object.keys(secret(from.secretRef.name)?.data ?? {})) names.add(key);
        }
      }
      return names;
    };

    it.each(FUNCTIONS)('%s: its config schema exists (shared/config/<name>.ts)', (name) => {
      expect(configSchema(name)).toBeDefined();
    });

    it.each(FUNCTIONS)('%s: every required variable of its schema is provided', (name) => {
      const schema = configSchema(name)!;
      const missing = requiredVariables(schema).filter((v) => !provided(fn(name)).has(v));
      expect(missing).toEqual([]);
    });

    it.each(FUNCTIONS)('%s: every variable set in its manifest is one something reads', (name) => {
      const known = knownVariables(configSchema(name)!);
      const unknown = (main(fn(name)).env ?? [])
        .map((e) => e.name)
        .filter((v) => !known.includes(v) && !(v in READ_ELSEWHERE));
      expect(unknown).toEqual([]);
    });

    it.each(FUNCTIONS)(
      '%s: uses Redis only with the settings and CA of a TLS Redis at hand',
      (name) => {
        const w = fn(name);
        if (!main(w).env?.some((e) => e.name === 'REDIS_URL')) return;
        const refs = (main(w).envFrom ?? []).map((f) => baseName(f.configMapRef?.name ?? ''));
        expect(refs).toContain('redis-client');
        const mount = main(w).volumeMounts?.find((m) => m.mountPath === '/etc/multivac/redis-ca');
        expect(mount).toBeDefined();
        const volume = w.pod.volumes?.find((v) => v.name === mount!.name);
        expect(baseName(volume?.configMap?.name ?? '')).toBe('redis-ca');
      },
    );

    it.each(FUNCTIONS)(
      "%s: V8's heap limits leave room within the container's memory limit",
      (name) => {
        const container = main(fn(name));
        const options = container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
        const heap = Number(/--max-old-space-size=(\d+)/.exec(options)?.[1]);
        const semi = Number(/--max-semi-space-size=(\d+)/.exec(options)?.[1] ?? 16);
        const limit = Number(
          /^(\d+)Mi$/.exec(String(container.resources?.limits?.memory ?? ''))?.[1],
        );
        expect(heap).toBeGreaterThan(0);
        // Node itself, code, stacks and buffers take ~60 MiB outside the V8 heap's limit.
        expect(heap + 3 * semi + 60).toBeLessThanOrEqual(limit);
      },
    );

    it('every key of a shared ConfigMap is read by some function', () => {
      const shared = new Set(
        fns().flatMap((w) =>
          (main(w).envFrom ?? []).map((f) => f.configMapRef?.name).filter(Boolean),
        ),
      ) as Set<string>;
      const readers = FUNCTIONS.flatMap((n) => knownVariables(configSchema(n)!));
      const unread = [...shared]
        .flatMap((name) => Object.keys(configMap(name)?.data ?? {}))
        .filter((k) => !readers.includes(k) && !(k in READ_ELSEWHERE));
      expect(unread).toEqual([]);
    });

    it.each(FUNCTIONS)('%s: every Secret and ConfigMap key it references exists', (name) => {
      const problems: string[] = [];
      const w = fn(name);
      for (const e of main(w).env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        if (s && !(s.key in (secret(s.name)?.data ?? {})))
          problems.push(`Secret ${s.name}: ${s.key}`);
        const c = e.valueFrom?.configMapKeyRef;
        if (c && !(c.key in (configMap(c.name)?.data ?? {})))
          problems.push(`ConfigMap ${c.name}: ${c.key}`);
      }
      for (const f of main(w).envFrom ?? []) {
        if (f.configMapRef && !f.configMapRef.optional && !configMap(f.configMapRef.name)) {
          problems.push(`ConfigMap ${f.configMapRef.name}`);
        }
      }
      for (const v of w.pod.volumes ?? []) {
        if (v.configMap && !v.configMap.optional && !configMap(v.configMap.name)) {
          problems.push(`volume ConfigMap ${v.configMap.name}`);
        }
      }
      expect(problems).toEqual([]);
    });

    it.each(FUNCTIONS.filter((n) => n !== ALWAYS_ON))(
      '%s: FUNCTION_TARGET is its name, the signature the one index.ts registers, Knative-reserved variables unset',
      (name) => {
        const w = fn(name);
        expect(envValue(w, 'FUNCTION_TARGET')).toBe(name);
        const expected =
          registeredSignature(name) ??
          (w.labels['app.kubernetes.io/component'] === 'worker' ? 'cloudevent' : 'http');
        expect(envValue(w, 'FUNCTION_SIGNATURE_TYPE')).toBe(expected);
        expect(
          (main(w).env ?? []).map((e) => e.name).filter((n) => KNATIVE_RESERVED.includes(n)),
        ).toEqual([]);
      },
    );

    it.each(FUNCTIONS)('%s: K_SINK is the broker ingress exactly when it publishes', (name) => {
      const publishes = knownVariables(configSchema(name)!).includes('K_SINK');
      expect(envValue(fn(name), 'K_SINK')).toBe(publishes ? BROKER_URL : undefined);
    });

    it('the broker ingress behind K_SINK is a Service on port 80 that reaches the broker PORT', () => {
      const service = byKind(docs(), 'Service', '').find((s) => s.metadata.name === 'broker') as
        | (K8sObject & {
            spec: {
              selector: Record<string, string>;
              ports: { port: number; targetPort: string | number }[];
            };
          })
        | undefined;
      expect(service).toBeDefined();
      const broker = fn(ALWAYS_ON);
      for (const [k, v] of Object.entries(service!.spec.selector)) expect(broker.labels[k]).toBe(v);
      const port = service!.spec.ports.find((p) => p.port === 80)!;
      const target = main(broker).ports!.find(
        (p) => p.name === port.targetPort || p.containerPort === port.targetPort,
      );
      expect(String(target?.containerPort)).toBe(envValue(broker, 'PORT'));
    });

    it('the broker reads the trigger table mounted from the ConfigMap generated from triggers.yaml', () => {
      const broker = fn(ALWAYS_ON);
      const file = envValue(broker, 'MULTIVAC_TRIGGERS_FILE')!;
      const mount = main(broker).volumeMounts!.find((m) => file.startsWith(`${m.mountPath}/`))!;
      const volume = broker.pod.volumes!.find((v) => v.name === mount.name)!;
      expect(baseName(volume.configMap!.name)).toBe('broker-triggers');
      const data = configMap(volume.configMap!.name)!.data!;
      expect(data[file.slice(mount.mountPath.length + 1)]).toBe(
        readText('knative/base/triggers.yaml'),
      );
    });

    it.each(FUNCTIONS)(
      '%s: METRICS_PORT is set, clear of queue-proxy, and not the serving port',
      (name) => {
        const port = Number(envValue(fn(name), 'METRICS_PORT'));
        expect(port).toBeGreaterThan(0);
        expect(QUEUE_PROXY_PORTS).not.toContain(port);
        expect(main(fn(name)).ports?.[0]?.containerPort).not.toBe(port);
      },
    );

    it.each(FUNCTIONS)('%s: probes ask /readyz (readiness) and /healthz (liveness)', (name) => {
      const c = main(fn(name));
      expect(c.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
    });
  });

  describe('triggers and routes point at existing Services', () => {
    it.each(triggers.map((t) => [t.metadata.name, t] as const))('trigger %s', (_name, trigger) => {
      const ref = trigger.spec.subscriber.ref;
      expect(ref.apiVersion).toBe('serving.knative.dev/v1');
      expect(ref.kind).toBe('Service');
      const target = fn(ref.name);
      expect(target.knative).toBe(true);
      expect(target.namespace).toBe(ref.namespace ?? 'multivac');
    });

    const vs = () => {
      const found = byKind<VirtualService>(docs(), 'VirtualService');
      expect(found).toHaveLength(1);
      return found[0]!;
    };

    it('the VirtualService binds to the Gateway in this build, which serves HTTPS from multivac-tls', () => {
      const gateways = byKind(docs(), 'Gateway');
      for (const ref of vs().spec.gateways ?? []) {
        const [ns, name] = ref.includes('/') ? ref.split('/') : [vs().metadata.namespace, ref];
        const gw = gateways.find((g) => g.metadata.name === name && g.metadata.namespace === ns) as
          | (K8sObject & {
              spec: {
                servers: { port: { protocol: string }; tls?: { credentialName?: string } }[];
              };
            })
          | undefined;
        expect(gw, ref).toBeDefined();
        const https = gw!.spec.servers.find((s) => s.port.protocol === 'HTTPS');
        const certificates = byKind(docs(), 'Certificate') as (K8sObject & {
          spec: { secretName: string };
        })[];
        expect(certificates.map((c) => c.spec.secretName)).toContain(https?.tls?.credentialName);
      }
    });

    it('every forwarding route goes through Knative local gateway to an HTTP function of this build', () => {
      const problems: string[] = [];
      for (const route of vs().spec.http.filter((r) => r.route)) {
        const target = authorityTarget(route.rewrite?.authority ?? '');
        const w =
          target && fns().find((f) => f.name === target.name && f.namespace === target.namespace);
        if (!w || !w.knative || !ROUTED.includes(w.labels['app.kubernetes.io/component'] ?? '')) {
          problems.push(`${route.name}: ${route.rewrite?.authority}`);
        }
        for (const r of route.route!) {
          if (r.destination.host !== 'knative-local-gateway.istio-system.svc.cluster.local') {
            problems.push(`${route.name}: destination ${r.destination.host}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    // docs/architecture.md#http-api, the public contract: method and path → function (or the
    // edge's own answer).
    it.each([
      ['GET', '/', 'question'],
      ['HEAD', '/', 'question'],
      ['GET', '/?accept=*/*', 'question'],
      ['GET', '/?accept=application/json', 'question'],
      ['GET', `/?accept=${BROWSER_ACCEPT}`, 'console'],
      ['HEAD', '/?accept=text/html', 'console'],
      ['GET', '/console/main-ABCD1234.js', 'console'],
      ['HEAD', '/console/favicon-ABCD1234.svg', 'console'],
      ['POST', '/console/main-ABCD1234.js', 405],
      ['POST', `/?accept=${BROWSER_ACCEPT}`, 405],
      ['GET', '/console', 404],
      ['GET', '/multivac', 'question'],
      ['GET', '/multivac/openapi.json', 'question'],
      ['POST', '/multivac', 'process'],
      ['PUT', '/multivac/data', 'data'],
      ['POST', '/multivac/data', 'data'],
      ['GET', '/multivac/data', 'data'],
      ['GET', '/multivac/data/0123abcd', 'data'],
      ['GET', '/multivac/jobs/0123abcd', 'process'],
      ['DELETE', '/multivac', 405],
      ['POST', '/multivac/jobs/0123abcd', 405],
      ['PUT', '/multivac/openapi.json', 405],
      ['GET', '/metrics', 404],
      ['GET', '/multivac/admin', 404],
    ] as const)('%s %s → %s', (method, target, expected) => {
      // `?accept=…` in the table is the request's Accept header, not a query.
      const [path, accept] = target.split('?accept=') as [string, string | undefined];
      const route = routeFor(vs(), method, path, accept === undefined ? {} : { accept });
      const actual =
        route?.directResponse?.status ?? authorityTarget(route?.rewrite?.authority ?? '')?.name;
      expect(actual).toBe(expected);
    });

    it('every HTTP function is reachable by some route, and no worker or the broker by any', () => {
      const targets = new Set(
        vs().spec.http.map((r) => authorityTarget(r.rewrite?.authority ?? '')?.name),
      );
      const routed = (w: Workload) =>
        ROUTED.includes(w.labels['app.kubernetes.io/component'] ?? '');
      const http = fns().filter(routed);
      expect(http.length).toBeGreaterThan(0);
      for (const w of http) expect(targets.has(w.name), w.name).toBe(true);
      for (const w of fns().filter((f) => !routed(f))) {
        expect(targets.has(w.name), w.name).toBe(false);
      }
    });

    it('`/` varies by Accept: both of its routes say so', () => {
      const routes = vs().spec.http.filter(
        (r) => r.route && r.match?.some((m) => m.uri?.exact === '/'),
      );
      expect(routes.map((r) => r.name).sort()).toEqual(['console-page', 'question-welcome']);
      for (const route of routes) expect(route.headers?.response?.set?.vary).toBe('Accept');
    });

    it('no Knative Service has an external route of its own (all cluster-local)', () => {
      const external = fns()
        .filter((w) => w.knative)
        .filter(
          (w) =>
            w.object.metadata.labels?.['networking.knative.dev/visibility'] !== 'cluster-local',
        )
        .map((w) => w.name);
      expect(external).toEqual([]);
    });
  });

  describe.runIf(overlay === 'gke')('monitoring', () => {
    interface PodMonitoring extends K8sObject {
      spec: {
        selector: { matchLabels: Record<string, string> };
        endpoints: { port: number; path: string }[];
      };
    }

    it.each(FUNCTIONS)('%s has a PodMonitoring scraping its METRICS_PORT at /metrics', (name) => {
      const w = fn(name);
      const monitors = byKind<PodMonitoring>(docs(), 'PodMonitoring').filter((m) =>
        Object.entries(m.spec.selector.matchLabels).every(([k, v]) => w.labels[k] === v),
      );
      expect(monitors).toHaveLength(1);
      const selected = fns().filter((f) =>
        Object.entries(monitors[0]!.spec.selector.matchLabels).every(([k, v]) => f.labels[k] === v),
      );
      expect(selected.map((f) => f.name)).toEqual([name]);
      expect(monitors[0]!.spec.endpoints).toEqual([
        expect.objectContaining({ port: Number(envValue(w, 'METRICS_PORT')), path: '/metrics' }),
      ]);
    });
  });
});
