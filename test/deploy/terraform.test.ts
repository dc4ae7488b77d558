import { spawnSync } from 'node:child_process';
import { parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  hasTerraform,
  inCi,
  runsTerraform,
  parseDocuments,
  readText,
  readYaml,
  repoPath,
  walk,
  type K8sObject,
} from './support/repo';

if (!runsTerraform) {
  console.warn(
    '\n*** terraform not found: `terraform fmt -check` is SKIPPED (parsing checks still run). ***\n',
  );
}

type Block = Record<string, unknown>;
/** hcl2json: blocks are arrays (a label may repeat); attributes are values, expressions "${…}". */
interface Hcl {
  terraform?: Block[];
  variable?: Record<string, Block[]>;
  output?: Record<string, Block[]>;
  resource?: Record<string, Record<string, Block[]>>;
  data?: Record<string, Record<string, Block[]>>;
  provider?: Record<string, Block[]>;
  locals?: Block[];
}

const tfFiles = walk('terraform', (p) => p.endsWith('.tf'));
const parsed: Record<string, Hcl> = {};

beforeAll(async () => {
  for (const file of [
    ...tfFiles,
    'terraform/backend.tf.example',
    'terraform/terraform.tfvars.example',
  ]) {
    parsed[file] = (await parse(file, readText(file))) as Hcl;
  }
});

const merged = () => {
  const out: Required<Pick<Hcl, 'variable' | 'output' | 'resource'>> & { terraform: Block[] } = {
    variable: {},
    output: {},
    resource: {},
    terraform: [],
  };
  for (const file of tfFiles) {
    const hcl = parsed[file]!;
    Object.assign(out.variable, hcl.variable);
    Object.assign(out.output, hcl.output);
    out.terraform.push(...(hcl.terraform ?? []));
    for (const [type, byName] of Object.entries(hcl.resource ?? {})) {
      out.resource[type] = { ...out.resource[type], ...byName };
    }
  }
  return out;
};
const variables = () => Object.entries(merged().variable).map(([name, [v]]) => [name, v!] as const);
const resources = (type: string) =>
  Object.entries(merged().resource[type] ?? {}).map(([name, [r]]) => [name, r!] as const);
const resource = (type: string, name: string): Block => {
  const found = merged().resource[type]?.[name]?.[0];
  if (!found) throw new Error(`no resource ${type}.${name}`);
  return found;
};
const first = (block: Block, key: string): Block => (block[key] as Block[] | undefined)?.[0] ?? {};

describe.skipIf(!runsTerraform)('terraform fmt', () => {
  it.runIf(inCi)('runs under CI: terraform is installed', () => {
    expect(hasTerraform, 'terraform is not on PATH; CI runs every terraform check').toBe(true);
  });

  it('finds nothing to reformat (terraform fmt -check -recursive)', () => {
    const result = spawnSync('terraform', ['fmt', '-check', '-recursive', '-diff', 'terraform'], {
      cwd: repoPath(),
      encoding: 'utf8',
    });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it.each(['terraform/backend.tf.example', 'terraform/terraform.tfvars.example'])(
    'finds nothing to reformat in %s',
    (file) => {
      const result = spawnSync('terraform', ['fmt', '-'], {
        input: readText(file),
        encoding: 'utf8',
      });
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(readText(file));
    },
  );
});

describe('terraform files', () => {
  it('are split by concern', () => {
    expect(tfFiles.map((f) => f.replace('terraform/', '')).sort()).toEqual(
      [
        'apis.tf',
        'edge.tf',
        'gitlab_runner.tf',
        'gke.tf',
        'iam.tf',
        'network.tf',
        'outputs.tf',
        'providers.tf',
        'redis.tf',
        'registry.tf',
        'secrets.tf',
        'variables.tf',
        'versions.tf',
      ].sort(),
    );
  });

  it('all parse', () => {
    expect(Object.keys(parsed).length).toBe(tfFiles.length + 2);
  });

  it('every variable is typed and described', () => {
    const problems = variables().flatMap(([name, v]) => [
      ...(typeof v.type === 'string' && v.type.length > 0 ? [] : [`${name}: type`]),
      ...(typeof v.description === 'string' && v.description.length > 15
        ? []
        : [`${name}: description`]),
    ]);
    expect(variables().length).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  it('every output is described', () => {
    const outputs = Object.entries(merged().output);
    expect(outputs.length).toBeGreaterThan(5);
    expect(outputs.filter(([, [o]]) => typeof o?.description !== 'string').map(([n]) => n)).toEqual(
      [],
    );
  });

  it('no secret in a default: secret-like variables have none, and no default looks like a credential', () => {
    const secretName =
      /(^|_)(password|passwd|secret|token|key|auth|auth_string|credentials?|private_key)(_|$)/i;
    const problems: string[] = [];
    for (const [name, v] of variables()) {
      if (secretName.test(name) && v.default !== undefined && v.default !== null)
        problems.push(name);
      const text = JSON.stringify(v.default ?? '');
      if (/glrt-|AKIA[0-9A-Z]{16}|PRIVATE KEY|[A-Za-z0-9+/]{32,}={0,2}/.test(text))
        problems.push(`${name}: ${text}`);
    }
    expect(problems).toEqual([]);
  });

  it('pins terraform and every provider with an upper bound', () => {
    const blocks = merged().terraform;
    const version = blocks.map((b) => b.required_version).find(Boolean) as string;
    expect(version).toMatch(/<\s*2\.0\.0|~>/);
    const providers = blocks.flatMap(
      (b) =>
        (b.required_providers as
          Record<string, { source: string; version: string }>[] | undefined) ?? [],
    );
    const entries = providers.flatMap((p) => Object.entries(p));
    expect(entries.length).toBeGreaterThan(0);
    for (const [name, p] of entries) {
      expect(p.source, name).toMatch(/^hashicorp\//);
      expect(p.version, name).toMatch(/~>|^=|<\s*\d/);
    }
    // Every resource type belongs to a declared provider.
    const declared = entries.map(([name]) => name);
    for (const type of Object.keys(merged().resource))
      expect(declared).toContain(type.split('_')[0]);
  });

  it('installs nothing into the cluster: no provisioners, no Kubernetes, Helm or kubectl providers', () => {
    const text = tfFiles.map((f) => readText(f)).join('\n');
    expect(text).not.toMatch(/\bprovisioner\s+"/);
    expect(text).not.toMatch(/null_resource|terraform_data|local-exec/);
    expect(
      Object.keys(merged().resource).filter((t) => /^(kubernetes|helm|kubectl)_/.test(t)),
    ).toEqual([]);
  });

  it('has a GCS backend example', () => {
    const backend = (parsed['terraform/backend.tf.example']!.terraform ?? [])[0]!.backend as Record<
      string,
      Block[]
    >;
    expect(Object.keys(backend)).toEqual(['gcs']);
  });

  it('terraform.tfvars.example sets only declared variables and every one without a default', () => {
    const example = parsed['terraform/terraform.tfvars.example'] as Record<string, unknown>;
    const declared = variables().map(([n]) => n);
    expect(Object.keys(example).filter((k) => !declared.includes(k))).toEqual([]);
    const required = variables()
      .filter(([, v]) => !('default' in v))
      .map(([n]) => n);
    expect(required.filter((n) => !(n in example))).toEqual([]);
  });

  // The list, each with what makes it that thing.
  it.each([
    ['VPC', () => resource('google_compute_network', 'vpc').auto_create_subnetworks === false],
    [
      'subnet with pod and Service ranges',
      () =>
        (resource('google_compute_subnetwork', 'nodes').secondary_ip_range as Block[]).length === 2,
    ],
    ['Cloud NAT', () => resources('google_compute_router_nat').length === 1],
    [
      'firewall opening for the Knative and Istio webhooks',
      () =>
        JSON.stringify(
          resource('google_compute_firewall', 'control_plane_webhooks').allow,
        ).includes('15017'),
    ],
    [
      'GKE with private nodes',
      () =>
        first(resource('google_container_cluster', 'multivac'), 'private_cluster_config')
          .enable_private_nodes === true,
    ],
    [
      'GKE with Workload Identity',
      () =>
        /svc\.id\.goog/.test(
          String(
            first(resource('google_container_cluster', 'multivac'), 'workload_identity_config')
              .workload_pool,
          ),
        ),
    ],
    [
      'GKE on a release channel',
      () =>
        first(resource('google_container_cluster', 'multivac'), 'release_channel').channel ===
        '${var.release_channel}',
    ],
    [
      'GKE enforcing NetworkPolicies (Dataplane V2)',
      () =>
        resource('google_container_cluster', 'multivac').datapath_provider === 'ADVANCED_DATAPATH',
    ],
    [
      'GKE with managed Prometheus',
      () =>
        first(
          first(resource('google_container_cluster', 'multivac'), 'monitoring_config'),
          'managed_prometheus',
        ).enabled === true,
    ],
    [
      'a node pool with the GKE metadata server',
      () =>
        first(
          first(resource('google_container_node_pool', 'default'), 'node_config'),
          'workload_metadata_config',
        ).mode === 'GKE_METADATA',
    ],
    [
      'Artifact Registry',
      () => resource('google_artifact_registry_repository', 'images').format === 'DOCKER',
    ],
    [
      'Memorystore with AUTH',
      () => resource('google_redis_instance', 'multivac').auth_enabled === true,
    ],
    [
      'Memorystore with in-transit encryption',
      () =>
        resource('google_redis_instance', 'multivac').transit_encryption_mode ===
        'SERVER_AUTHENTICATION',
    ],
    ['Cloud Armor policy', () => resources('google_compute_security_policy').length === 1],
    ['static IP', () => resources('google_compute_global_address').some(([n]) => n === 'edge')],
    ['certificate', () => resources('google_compute_managed_ssl_certificate').length === 1],
    ['service accounts', () => resources('google_service_account').length >= 2],
    ['IAM bindings', () => resources('google_project_iam_member').length >= 2],
    [
      'Secret Manager secrets for the deploy',
      () => resources('google_secret_manager_secret').length >= 3,
    ],
  ] as const)('creates the %s', (_what, check) => {
    expect(check()).toBe(true);
  });

  it('the Cloud Armor policy allows the allow-list and denies everyone else', () => {
    const policy = resource('google_compute_security_policy', 'edge');
    expect(JSON.stringify(policy.dynamic)).toContain('var.allowed_source_ranges');
    const fallback = (policy.rule as Block[]).find((r) => r.priority === 2147483647)!;
    expect(fallback.action).toBe('deny(403)');
  });

  it('the GitLab runner is optional, behind a bool, and every part of it', () => {
    const file = parsed['terraform/gitlab_runner.tf']!;
    const all = Object.values(file.resource ?? {}).flatMap((byName) =>
      Object.values(byName).map(([r]) => r!),
    );
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const r of all) expect(r.count).toBe('${var.gitlab_runner_enabled ? 1 : 0}');
    expect(merged().variable.gitlab_runner_enabled![0]!.type).toBe('${bool}');
  });
});

describe('terraform and the manifests agree', () => {
  const component = parseDocuments<K8sObject & { spec: Block }>(
    readText('knative/components/gke-ingress/ingress.yaml'),
  );
  const ingress = component.find((d) => d.kind === 'Ingress')!;
  const backendConfig = component.find((d) => d.kind === 'BackendConfig')!;
  const frontendConfig = component.find((d) => d.kind === 'FrontendConfig')!;
  const annotations = ingress.metadata.annotations!;

  it.each([
    [
      'google_compute_global_address',
      'edge',
      () => annotations['kubernetes.io/ingress.global-static-ip-name'],
    ],
    [
      'google_compute_managed_ssl_certificate',
      'edge',
      () => annotations['ingress.gcp.kubernetes.io/pre-shared-cert'],
    ],
    ['google_compute_ssl_policy', 'edge', () => frontendConfig.spec.sslPolicy],
    [
      'google_compute_security_policy',
      'edge',
      () => (backendConfig.spec.securityPolicy as Block).name,
    ],
  ] as const)('%s.%s has the name the GKE Ingress uses', (type, name, used) => {
    expect(resource(type, name).name).toBe(used());
  });

  it('the Ingress names the FrontendConfig and the Istio gateway Service names the BackendConfig', () => {
    expect(annotations['networking.gke.io/v1beta1.FrontendConfig']).toBe(
      frontendConfig.metadata.name,
    );
    const istio = readYaml<{
      spec: {
        components: { ingressGateways: { k8s: { serviceAnnotations: Record<string, string> } }[] };
      };
    }>('knative/platform/gke/istio.yaml');
    const serviceAnnotations = istio.spec.components.ingressGateways[0]!.k8s.serviceAnnotations;
    expect(JSON.parse(serviceAnnotations['cloud.google.com/backend-config']!)).toEqual({
      default: backendConfig.metadata.name,
    });
  });

  it('the health-check firewall and the gke allow-list name the same Google front-end ranges', () => {
    const ranges = resource('google_compute_firewall', 'load_balancer').source_ranges as string[];
    const allowList = readText('knative/overlays/gke/allow-list.yaml');
    for (const range of ranges) expect(allowList).toContain(range);
    const healthPort = String((backendConfig.spec.healthCheck as Block).port);
    expect(JSON.stringify(resource('google_compute_firewall', 'load_balancer').allow)).toContain(
      healthPort,
    );
  });

  it('the Secret Manager secrets are the ones the deploy reads (gke overlay examples and CI)', () => {
    const ids = resources('google_secret_manager_secret')
      .map(([, r]) => r.secret_id as string)
      .filter((id) => id !== 'multivac-gitlab-runner-token');
    const ci = readText('.gitlab-ci.yml');
    const examples = walk('knative/overlays/gke', (p) => p.endsWith('.example'))
      .map((f) => readText(f))
      .join('\n');
    for (const id of ids) {
      expect(ci, id).toContain(`--secret=${id}`);
      expect(examples, id).toContain(`--secret=${id}`);
    }
  });

  it('Memorystore evicts like the in-cluster Redis: volatile-lru', () => {
    const configs = resource('google_redis_instance', 'multivac').redis_configs as Record<
      string,
      string
    >;
    expect(configs['maxmemory-policy']).toBe('volatile-lru');
    expect(readText('knative/components/datastores/redis.yaml')).toMatch(
      /^\s+maxmemory-policy volatile-lru$/m,
    );
  });
});
