import { existsSync } from 'node:fs';
import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { connects, pod, policyTypes, type Endpoint, type NetworkPolicy } from './support/netpol';
import { pathsTo, type AuthorizationPolicy, type DataPlane } from './support/reach';
import {
  baseName,
  byKind,
  gitFiles,
  gitIgnores,
  runsKubectl,
  overlays,
  parseDocuments,
  readText,
  readYaml,
  renderOverlay,
  repoPath,
  walk,
  type K8sObject,
} from './support/repo';
import { allContainers, selects, workloads, type Workload } from './support/workloads';

interface Generator {
  name: string;
  envs?: string[];
  files?: string[];
  literals?: string[];
}

const kustomizations = walk('knative', (p) => p.endsWith('kustomization.yaml'));
const generators = (kind: 'secretGenerator' | 'configMapGenerator') =>
  kustomizations.flatMap((file) =>
    (readYaml<Record<string, Generator[] | undefined>>(file)[kind] ?? []).map((g) => ({
      file,
      ...g,
    })),
  );
const sourcesOf = (g: Generator) => [
  ...(g.envs ?? []),
  ...(g.files ?? []).map((f) => f.split('=').pop()!),
];
const dirOf = (file: string) => file.replace(/\/[^/]+$/, '');

describe('Secrets never in plain text in the repo', () => {
  it('no manifest under knative/ is a Secret', () => {
    const secrets = walk('knative', (p) => /\.ya?ml$/.test(p)).filter((file) =>
      parseDocuments<K8sObject>(readText(file)).some((d) => d?.kind === 'Secret'),
    );
    expect(secrets).toEqual([]);
  });

  it('no secretGenerator has literals', () => {
    expect(
      generators('secretGenerator')
        .filter((g) => g.literals?.length)
        .map((g) => g.file),
    ).toEqual([]);
  });

  it('every secretGenerator reads git-ignored files, each with a committed .example beside it', () => {
    const tracked = gitFiles('knative');
    const problems: string[] = [];
    const all = generators('secretGenerator');
    expect(all.length).toBeGreaterThan(0);
    for (const g of all) {
      for (const source of sourcesOf(g)) {
        const path = `${dirOf(g.file)}/${source}`;
        if (!gitIgnores(path)) problems.push(`${path} is not git-ignored`);
        if (tracked.includes(path)) problems.push(`${path} is committed`);
        if (
          !tracked.includes(`${path}.example`) &&
          existsSync(repoPath(`${path}.example`)) === false
        ) {
          problems.push(`${path}.example is missing`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the per-environment files the configMapGenerators read (the Memorystore CA) are git-ignored too', () => {
    const perEnvironment = generators('configMapGenerator')
      .filter((g) => g.file.includes('/overlays/'))
      .flatMap((g) => (g.files ?? []).map((f) => `${dirOf(g.file)}/${f.split('=').pop()}`));
    expect(perEnvironment.length).toBeGreaterThan(0);
    expect(perEnvironment.filter((p) => !gitIgnores(p))).toEqual([]);
  });

  it('the committed examples hold placeholders, not credentials', () => {
    const examples = walk('knative', (p) => p.endsWith('.env.example'));
    expect(examples.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const file of examples) {
      for (const line of readText(file).split('\n')) {
        const m = /^([A-Z_]+)=(.*)$/.exec(line);
        if (!m) continue;
        const [, key, value] = m;
        const credential = /PASSWORD|URL|URI/.test(key!) && !/USERNAME/.test(key!);
        if (credential && !value!.includes('change-me')) problems.push(`${file}: ${key}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('no env file, key or certificate is committed anywhere in the deployment tree', () => {
    const tracked = [...gitFiles('knative'), ...gitFiles('terraform')];
    expect(tracked.filter((f) => /\.(env|pem|key|tfvars|tfstate)$/.test(f))).toEqual([]);
  });
});

describe.skipIf(!runsKubectl).each(overlays())('overlay %s', (overlay) => {
  const docs = () => renderOverlay(overlay);
  const all = () => workloads(docs());
  const policies = () => byKind<NetworkPolicy>(docs(), 'NetworkPolicy');
  const labelsOf = (name: string): Record<string, string> => {
    const w = all().find((x) => x.name === name);
    if (!w) throw new Error(`no workload ${name}`);
    return w.labels;
  };
  const inMultivac = (name: string): Endpoint => pod('multivac', labelsOf(name));

  it('every rendered Secret comes from a generator (content-hash name, no stringData)', () => {
    const generated = generators('secretGenerator').map((g) => g.name);
    for (const s of byKind(docs(), 'Secret')) {
      expect(s.metadata.name).not.toBe(baseName(s.metadata.name));
      expect(generated).toContain(baseName(s.metadata.name));
      expect(s).not.toHaveProperty('stringData');
    }
  });

  describe('containers', () => {
    const cases = () => all().flatMap((w) => allContainers(w).map((c) => [w, c] as const));

    it('every container runs as a non-root user, read-only, without privileges or capabilities', () => {
      const problems: string[] = [];
      expect(cases().length).toBeGreaterThanOrEqual(6);
      for (const [w, c] of cases()) {
        const sc = c.securityContext ?? {};
        const podSc = w.pod.securityContext ?? {};
        const id = `${w.name}/${c.name}`;
        if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) problems.push(`${id}: runAsNonRoot`);
        if ((sc.runAsUser ?? podSc.runAsUser) === 0) problems.push(`${id}: runAsUser 0`);
        if (sc.readOnlyRootFilesystem !== true) problems.push(`${id}: readOnlyRootFilesystem`);
        if (sc.allowPrivilegeEscalation !== false) problems.push(`${id}: allowPrivilegeEscalation`);
        if (sc.privileged) problems.push(`${id}: privileged`);
        if (!sc.capabilities?.drop?.includes('ALL'))
          problems.push(`${id}: capabilities not dropped`);
        if (sc.capabilities?.add?.length) problems.push(`${id}: capabilities added`);
        if ((sc.seccompProfile ?? podSc.seccompProfile)?.type !== 'RuntimeDefault') {
          problems.push(`${id}: seccompProfile`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('every container has CPU and memory requests and limits, and readiness and liveness probes', () => {
      const problems: string[] = [];
      for (const [w, c] of cases()) {
        for (const kind of ['requests', 'limits'] as const) {
          for (const resource of ['cpu', 'memory']) {
            if (!c.resources?.[kind]?.[resource]) problems.push(`${w.name}: ${kind}.${resource}`);
          }
        }
        if (!c.readinessProbe) problems.push(`${w.name}: readinessProbe`);
        if (!c.livenessProbe) problems.push(`${w.name}: livenessProbe`);
      }
      expect(problems).toEqual([]);
    });

    it('no pod gets service-link variables or a Kubernetes API token', () => {
      const problems = all().flatMap((w) => [
        ...(w.pod.enableServiceLinks === false ? [] : [`${w.name}: enableServiceLinks`]),
        ...(w.pod.automountServiceAccountToken === false
          ? []
          : [`${w.name}: automountServiceAccountToken`]),
      ]);
      expect(problems).toEqual([]);
    });

    it('third-party images name a version; function images are left for skaffold to pin by digest', () => {
      const functions = skaffoldImages();
      for (const [w, c] of cases()) {
        if (functions.includes(c.image)) continue;
        expect(c.image, w.name).toMatch(/^[a-z0-9./-]+:[0-9][\w.-]*(-[a-z]+)?$/);
        expect(c.image, w.name).not.toMatch(/:latest$/);
      }
    });
  });

  describe('network policies', () => {
    it('deny everything in multivac by default, both ways', () => {
      const deny = policies().filter(
        (p) =>
          p.metadata.namespace === 'multivac' &&
          Object.keys(p.spec.podSelector).length === 0 &&
          policyTypes(p).includes('Ingress') &&
          policyTypes(p).includes('Egress') &&
          !p.spec.ingress?.length &&
          !p.spec.egress?.length,
      );
      expect(deny).toHaveLength(1);
    });

    const covered = (w: Workload) =>
      policies().some(
        (p) =>
          p.metadata.namespace === w.namespace &&
          policyTypes(p).includes('Ingress') &&
          (p.spec.ingress?.length ?? 0) > 0 &&
          selects(p.spec.podSelector, w.labels),
      );

    it('cover every workload with an ingress policy of its own', () => {
      expect(
        all()
          .filter((w) => !covered(w))
          .map((w) => w.name),
      ).toEqual([]);
    });

    it('cover every Service (the pods behind each)', () => {
      const services = byKind(docs(), 'Service', '') as (K8sObject & {
        spec: { selector?: Record<string, string> };
      })[];
      expect(services.length).toBeGreaterThan(0);
      const problems = services.filter((s) => {
        const backends = all().filter((w) =>
          Object.entries(s.spec.selector ?? {}).every(([k, v]) => w.labels[k] === v),
        );
        return backends.length === 0 || !backends.every(covered);
      });
      expect(problems.map((s) => s.metadata.name)).toEqual([]);
    });

    const gateway = pod('istio-system', { istio: 'ingressgateway', app: 'istio-ingressgateway' });
    const activator = pod('knative-serving', {
      app: 'activator',
      role: 'activator',
      'app.kubernetes.io/component': 'activator',
    });
    const autoscaler = pod('knative-serving', { app: 'autoscaler' });
    const netIstio = pod('knative-serving', { app: 'net-istio-controller' });
    const collector = pod('gmp-system', { app: 'collector' });
    const kubeDns = pod('kube-system', { 'k8s-app': 'kube-dns' });
    const stranger = pod('default', { app: 'curl' });
    const strangerHere = pod('multivac', { app: 'curl' });
    const nodeVm = { ip: '10.10.0.7' }; // a VM in the node subnet (terraform's subnet_cidr)
    const loadBalancer = { ip: '35.191.0.10' }; // Google's front ends and health checks
    const internet = { ip: '93.184.215.14' };
    const externalMongo = { ip: '34.120.1.2' }; // e.g. MongoDB Atlas
    const privateHost = { ip: '10.1.2.3' };
    const metadataServer = { ip: '169.254.169.254' };
    const memorystore = { ip: '10.100.0.3' };

    type Flow = [string, () => Endpoint, () => Endpoint, number, boolean];
    const fnPod = (name: string) => () => inMultivac(name);
    const flows: Flow[] = [
      // Only the router reaches the HTTP functions.
      ['gateway → question', () => gateway, fnPod('question'), 8012, true],
      ['activator → data', () => activator, fnPod('data'), 8012, true],
      ['data → question', fnPod('data'), fnPod('question'), 8012, false],
      ['broker → process', fnPod('broker'), fnPod('process'), 8012, false],
      ['another namespace → question', () => stranger, fnPod('question'), 8012, false],
      ['a stray pod in multivac → question', () => strangerHere, fnPod('question'), 8080, false],
      // Only the broker reaches the workers (directly: nobody; through the local gateway: the broker).
      ['question → acquire', fnPod('question'), fnPod('acquire'), 8012, false],
      ['learn → acquire', fnPod('learn'), fnPod('acquire'), 8012, false],
      ['broker → local gateway', fnPod('broker'), () => gateway, 8081, true],
      ['question → local gateway', fnPod('question'), () => gateway, 8081, false],
      ['data → local gateway', fnPod('data'), () => gateway, 8081, false],
      ['acquire → local gateway', fnPod('acquire'), () => gateway, 8081, false],
      ['acquire → activator', fnPod('acquire'), () => activator, 8012, false],
      ['gateway → learn', () => gateway, fnPod('learn'), 8012, true],
      // The cluster-local gateway (istio-system): the broker, the gateway itself (the public
      // routes' second hop) and net-istio's readiness prober; nobody else, in or out of the cluster.
      ['gateway → local gateway (public routes)', () => gateway, () => gateway, 8081, true],
      ["net-istio's prober → local gateway", () => netIstio, () => gateway, 8081, true],
      ['another namespace → local gateway', () => stranger, () => gateway, 8081, false],
      ['a stray pod in multivac → local gateway', () => strangerHere, () => gateway, 8081, false],
      ['a VM in the node subnet → local gateway', () => nodeVm, () => gateway, 8081, false],
      ['the activator → local gateway', () => activator, () => gateway, 8081, false],
      // The public listeners stay open to the network; the allow-list (an Istio ALLOW policy) decides.
      ['the load balancer → public listener', () => loadBalancer, () => gateway, 8443, true],
      ['another namespace → public listener', () => stranger, () => gateway, 8080, true],
      [
        'the load balancer → status port (health check)',
        () => loadBalancer,
        () => gateway,
        15021,
        true,
      ],
      ['another namespace → Envoy admin/stats', () => stranger, () => gateway, 15090, false],
      // The activator forwards to any revision: only the gateway pods may hand it requests.
      ['gateway → activator', () => gateway, () => activator, 8012, true],
      ['gateway → activator (h2c)', () => gateway, () => activator, 8013, true],
      ['another namespace → activator', () => stranger, () => activator, 8012, false],
      ['a stray pod in multivac → activator', () => strangerHere, () => activator, 8012, false],
      ['broker → activator', fnPod('broker'), () => activator, 8012, false],
      ['collector → activator metrics', () => collector, () => activator, 9090, true],
      // Publishing.
      ['data → broker', fnPod('data'), fnPod('broker'), 8080, true],
      ['learn → broker', fnPod('learn'), fnPod('broker'), 8080, true],
      ['another namespace → broker', () => stranger, fnPod('broker'), 8080, false],
      ['gateway → broker', () => gateway, fnPod('broker'), 8080, false],
      ['question → broker admin', fnPod('question'), fnPod('broker'), 8081, false],
      // Platform.
      ['autoscaler → learn queue-proxy metrics', () => autoscaler, fnPod('learn'), 9090, true],
      ['collector → question metrics', () => collector, fnPod('question'), 9464, true],
      ['collector → broker metrics', () => collector, fnPod('broker'), 9464, true],
      ['another namespace → question metrics', () => stranger, fnPod('question'), 9464, false],
      ['question → DNS', fnPod('question'), () => kubeDns, 53, true],
      ['broker → DNS', fnPod('broker'), () => kubeDns, 53, true],
      // The outside world: acquire fetches public pages (80, 443), nothing private; others fetch
      // nothing. acquire reaches exactly DNS, the broker and MongoDB besides.
      ['acquire → a public site', fnPod('acquire'), () => internet, 443, true],
      ['acquire → a public site over http', fnPod('acquire'), () => internet, 80, true],
      ['acquire → a public site on another port', fnPod('acquire'), () => internet, 8080, false],
      ['acquire → a public SSH server', fnPod('acquire'), () => internet, 22, false],
      ['acquire → a private address', fnPod('acquire'), () => privateHost, 80, false],
      ['acquire → the metadata server', fnPod('acquire'), () => metadataServer, 80, false],
      ['acquire → DNS', fnPod('acquire'), () => kubeDns, 53, true],
      ['acquire → broker', fnPod('acquire'), fnPod('broker'), 8080, true],
      ['acquire → broker admin', fnPod('acquire'), fnPod('broker'), 8081, false],
      ['acquire → MongoDB outside the cluster', fnPod('acquire'), () => externalMongo, 27017, true],
      ['acquire → Memorystore (TLS)', fnPod('acquire'), () => memorystore, 6378, false],
      ['acquire → Redis on a private address', fnPod('acquire'), () => privateHost, 6379, false],
      ['acquire → Redis on a public address', fnPod('acquire'), () => internet, 6379, false],
      ['acquire → another pod on 443', fnPod('acquire'), () => strangerHere, 443, false],
      ['question → a public site', fnPod('question'), () => internet, 443, false],
      ['learn → Memorystore (TLS)', fnPod('learn'), () => memorystore, 6378, true],
      ['broker → Memorystore (TLS)', fnPod('broker'), () => memorystore, 6378, true],
      // The console: reached by the router only, and reaches nothing at all.
      ['gateway → console', () => gateway, fnPod('console'), 8012, true],
      ['activator → console', () => activator, fnPod('console'), 8013, true],
      ['another namespace → console', () => stranger, fnPod('console'), 8012, false],
      ['a stray pod in multivac → console', () => strangerHere, fnPod('console'), 8012, false],
      ['question → console', fnPod('question'), fnPod('console'), 8012, false],
      ['autoscaler → console queue-proxy metrics', () => autoscaler, fnPod('console'), 9090, true],
      ['collector → console metrics', () => collector, fnPod('console'), 9464, true],
      ['console → DNS', fnPod('console'), () => kubeDns, 53, false],
      ['console → broker', fnPod('console'), fnPod('broker'), 8080, false],
      ['console → local gateway', fnPod('console'), () => gateway, 8081, false],
      ['console → Memorystore', fnPod('console'), () => memorystore, 6379, false],
      ['console → a public site', fnPod('console'), () => internet, 443, false],
      [
        'process → a private address on another port',
        fnPod('process'),
        () => privateHost,
        8080,
        false,
      ],
    ];

    it.each(flows)('%s on %#', (_name, from, to, port, expected) => {
      expect(connects(policies(), from(), to(), port, port === 53 ? 'UDP' : 'TCP')).toBe(expected);
    });

    describe('who gets a request to a function, and by which path', () => {
      const plane = (): DataPlane => ({
        policies: policies(),
        allowList: byKind<AuthorizationPolicy>(docs(), 'AuthorizationPolicy'),
        gateway,
        activator,
        routed: routedFunctions(docs()),
      });
      // The address the allow-list admits on each overlay: Google's front ends on GKE, the
      // loopback of `kubectl port-forward` locally.
      const edgeClient = () => (overlay === 'gke' ? loadBalancer : { ip: '127.0.0.1' });
      const http = ['question', 'data', 'process', 'console'];
      const workers = ['acquire', 'learn'];
      const outsiders: [string, () => Endpoint][] = [
        ['a pod in another namespace', () => stranger],
        ['a stray pod in multivac', () => strangerHere],
        ['a VM in the node subnet', () => nodeVm],
        ['an address off the allow-list', () => internet],
      ];

      it('the public routes reach exactly the HTTP functions', () => {
        expect([...plane().routed].sort()).toEqual([...http].sort());
      });

      it.each(workers)('the broker reaches %s, through the local gateway only', (name) => {
        expect(pathsTo(plane(), inMultivac('broker'), inMultivac(name))).toEqual(['local gateway']);
      });

      it.each(http)('an allowed client reaches %s through the public gateway only', (name) => {
        expect(pathsTo(plane(), edgeClient(), inMultivac(name))).toEqual(['public gateway']);
      });

      it.each(workers)('an allowed client does not reach %s', (name) => {
        expect(pathsTo(plane(), edgeClient(), inMultivac(name))).toEqual([]);
      });

      it.each(
        outsiders.flatMap(([who, from]) =>
          [...http, ...workers].map((fn) => [who, fn, from] as const),
        ),
      )(
        '%s does not reach %s: not directly, nor via the local gateway, the activator or the public routes',
        (_who, fn, from) => {
          expect(pathsTo(plane(), from(), inMultivac(fn))).toEqual([]);
        },
      );

      it.each(
        [...http, ...workers].flatMap((caller) =>
          [...workers, 'data'].map((fn) => [caller, fn] as const),
        ),
      )(
        'the function %s does not reach %s (nor forges a client address for data)',
        (caller, fn) => {
          expect(pathsTo(plane(), inMultivac(caller), inMultivac(fn))).toEqual([]);
        },
      );
    });

    it("acquire's egress leaves out every range terraform gives the cluster", async () => {
      const ranges = await terraformRanges();
      expect(Object.keys(ranges).sort()).toEqual(
        [
          'master_cidr',
          'pods_cidr',
          'private_services_cidr',
          'services_cidr',
          'subnet_cidr',
        ].sort(),
      );
      for (const [name, cidr] of Object.entries(ranges)) {
        const inside = { ip: cidr.split('/')[0]!.replace(/\.0$/, '.9') };
        for (const port of [80, 443, 6378, 6379, 8080]) {
          expect(
            connects(policies(), inMultivac('acquire'), inside, port),
            `${name} ${cidr}:${port}`,
          ).toBe(false);
        }
      }
    });

    const datastores = () =>
      all().filter((w) => w.labels['app.kubernetes.io/component'] === 'datastore');
    it.runIf(overlay === 'local')('only functions reach Redis and MongoDB', () => {
      expect(
        datastores()
          .map((w) => w.name)
          .sort(),
      ).toEqual(['mongodb', 'redis']);
      const redis = inMultivac('redis');
      const mongodb = inMultivac('mongodb');
      expect(connects(policies(), inMultivac('broker'), redis, 6379)).toBe(true);
      expect(connects(policies(), inMultivac('question'), redis, 6379)).toBe(true);
      expect(connects(policies(), inMultivac('learn'), mongodb, 27017)).toBe(true);
      expect(connects(policies(), inMultivac('broker'), mongodb, 27017)).toBe(false);
      expect(connects(policies(), inMultivac('console'), redis, 6379)).toBe(false);
      expect(connects(policies(), inMultivac('console'), mongodb, 27017)).toBe(false);
      expect(connects(policies(), gateway, redis, 6379)).toBe(false);
      expect(connects(policies(), stranger, mongodb, 27017)).toBe(false);
      expect(connects(policies(), strangerHere, redis, 6379)).toBe(false);
    });
  });

  describe('the edge', () => {
    it('an ALLOW policy on the ingress gateway admits only listed addresses to the public listeners', () => {
      const [policy, ...rest] = byKind<AuthorizationPolicy>(docs(), 'AuthorizationPolicy');
      expect(rest).toEqual([]);
      expect(policy!.metadata.namespace).toBe('istio-system');
      expect(policy!.spec.selector?.matchLabels).toEqual({ istio: 'ingressgateway' });
      expect(policy!.spec.action).toBe('ALLOW');
      const publicRules = policy!.spec.rules.filter((r) =>
        r.to?.some((t) => t.operation.ports?.some((p) => ['8080', '8443'].includes(p))),
      );
      expect(publicRules.length).toBeGreaterThan(0);
      for (const rule of publicRules) {
        const blocks = (rule.from ?? []).flatMap((f) => [
          ...(f.source.ipBlocks ?? []),
          ...(f.source.remoteIpBlocks ?? []),
        ]);
        expect(blocks.length).toBeGreaterThan(0);
        expect(blocks).not.toContain('0.0.0.0/0');
        // The rule must name sources: a rule without `from` would admit everyone.
        expect(rule.from?.length).toBeGreaterThan(0);
      }
    });

    it('the broker admin port is in no Service and no route', () => {
      const broker = all().find((w) => w.name === 'broker')!;
      const admin = broker.pod.containers[0]!.ports!.find((p) => p.name === 'admin')!;
      const services = byKind(docs(), 'Service', '') as (K8sObject & {
        spec: { ports: { targetPort?: number | string }[] };
      })[];
      const exposed = services.flatMap((s) =>
        s.spec.ports.filter(
          (p) => p.targetPort === admin.name || p.targetPort === admin.containerPort,
        ),
      );
      expect(exposed).toEqual([]);
      expect(JSON.stringify(byKind(docs(), 'VirtualService'))).not.toContain('broker');
    });
  });
});

/** The functions routing.yaml's VirtualService forwards to (by the authority it rewrites to). */
function routedFunctions(docs: K8sObject[]): string[] {
  const services = byKind<K8sObject & { spec: { http: { rewrite?: { authority?: string } }[] } }>(
    docs,
    'VirtualService',
  );
  const names = services.flatMap((vs) =>
    vs.spec.http.flatMap((route) => route.rewrite?.authority?.split('.')[0] ?? []),
  );
  return [...new Set(names)];
}

/** The CIDR defaults of terraform/variables.tf: the ranges of the cluster's own network. */
async function terraformRanges(): Promise<Record<string, string>> {
  const hcl = (await parse('variables.tf', readText('terraform/variables.tf'))) as {
    variable: Record<string, { default?: unknown }[]>;
  };
  return Object.fromEntries(
    Object.entries(hcl.variable)
      .filter(([name, [block]]) => name.endsWith('_cidr') && typeof block?.default === 'string')
      .map(([name, [block]]) => [name, block!.default as string]),
  );
}

function skaffoldImages(): string[] {
  return readYaml<{ build: { artifacts: { image: string }[] } }>(
    'skaffold.yaml',
  ).build.artifacts.map((a) => a.image);
}
