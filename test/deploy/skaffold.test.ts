import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { overlays, readYaml, repoPath, root } from './support/repo';

/** The skaffold schema sits beside the repository (../shared/schemas), never inside it. */
const schemaPath =
  process.env.SKAFFOLD_SCHEMA ?? resolve(root, '..', 'shared', 'schemas', 'skaffold-v4beta14.json');
const hasSchema = existsSync(schemaPath);
if (!hasSchema) {
  console.warn(
    `\n*** skaffold schema not found at ${schemaPath}: validating skaffold.yaml against the ` +
      'JSON schema is SKIPPED (set SKAFFOLD_SCHEMA to run it). Structural checks still run. ***\n',
  );
}

interface PortForward {
  resourceType: string;
  resourceName: string;
  namespace?: string;
  port: number | string;
  localPort?: number;
}
interface Profile {
  name: string;
  manifests?: { kustomize?: { paths?: string[] } };
  portForward?: PortForward[];
  patches?: { op: string; path: string }[];
  build?: unknown;
  activation?: { kubeContext?: string }[];
}
interface SkaffoldConfig {
  apiVersion: string;
  kind: string;
  build: {
    artifacts: { image: string; context?: string; docker?: { dockerfile?: string } }[];
    tagPolicy?: Record<string, unknown>;
  };
  manifests: { kustomize: { paths: string[] } };
  deploy: { kubectl?: object };
  resourceSelector?: { allow?: { groupKind: string; image?: string[] }[] };
  portForward?: PortForward[];
  profiles: Profile[];
}

const config = readYaml<SkaffoldConfig>('skaffold.yaml');

describe.skipIf(!hasSchema)('skaffold.yaml against the skaffold/v4beta14 JSON schema', () => {
  const validate = () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  };

  it('validates', () => {
    const check = validate();
    const ok = check(config);
    expect(ok ? [] : check.errors).toEqual([]);
  });

  it('rejects a copy with a misspelled field (the check can fail)', () => {
    const broken = structuredClone(config) as unknown as {
      build: { artifacts: Record<string, unknown>[] };
    };
    broken.build.artifacts[0]!.dockerfile = 'Dockerfile';
    expect(validate()(broken)).toBe(false);
  });
});

describe('skaffold.yaml structure', () => {
  it('is skaffold/v4beta14 Config', () => {
    expect(config.apiVersion).toBe('skaffold/v4beta14');
    expect(config.kind).toBe('Config');
  });

  it('builds every artifact from the repository root through the one shared Dockerfile', () => {
    expect(config.build.artifacts.length).toBeGreaterThan(0);
    for (const artifact of config.build.artifacts) {
      expect(artifact.context ?? '.').toBe('.');
      expect(artifact.docker?.dockerfile).toBe('Dockerfile');
    }
    expect(existsSync(repoPath('Dockerfile'))).toBe(true);
  });

  it('tags by the artifacts’ inputs', () => {
    expect(Object.keys(config.build.tagPolicy ?? {})).toEqual(['inputDigest']);
  });

  it('renders with kustomize from an existing overlay and deploys with kubectl', () => {
    for (const path of config.manifests.kustomize.paths) {
      expect(existsSync(repoPath(path, 'kustomization.yaml')), path).toBe(true);
    }
    expect(config.deploy.kubectl).toBeDefined();
  });

  it('has one profile per overlay, each rendering its overlay', () => {
    expect(config.profiles.map((p) => p.name).sort()).toEqual(overlays());
    for (const profile of config.profiles) {
      expect(profile.manifests?.kustomize?.paths).toEqual([`knative/overlays/${profile.name}`]);
    }
  });

  it('never patches by array index (profiles replace whole fields)', () => {
    const indexed = config.profiles.flatMap((p) =>
      (p.patches ?? [])
        .filter((patch) => /\/\d+(\/|$)/.test(patch.path))
        .map((x) => `${p.name}: ${x.path}`),
    );
    expect(indexed).toEqual([]);
  });

  it('forwards the API (Istio ingress gateway) to localhost, as `npm start` serves it on 8080', () => {
    const forwards = (list: PortForward[] | undefined) =>
      (list ?? []).filter(
        (f) =>
          f.resourceType === 'service' &&
          f.resourceName === 'istio-ingressgateway' &&
          f.namespace === 'istio-system',
      );
    expect(forwards(config.portForward)).toEqual([
      expect.objectContaining({ port: 80, localPort: 8080 }),
    ]);
    for (const profile of config.profiles)
      expect(forwards(profile.portForward), profile.name).toHaveLength(1);
  });

  it('tells skaffold where a Knative Service keeps its image', () => {
    expect(config.resourceSelector?.allow).toContainEqual({
      groupKind: 'Service.serving.knative.dev',
      image: ['.spec.template.spec.containers.*.image'],
    });
  });

  it('activates the local profile on kind clusters only', () => {
    const local = config.profiles.find((p) => p.name === 'local')!;
    expect(local.activation).toEqual([{ kubeContext: 'kind-.*' }]);
    expect(config.profiles.find((p) => p.name === 'gke')!.activation).toBeUndefined();
  });
});
