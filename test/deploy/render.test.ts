import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelled, validateDocument } from './support/models';
import {
  functionFolders,
  hasKubectl,
  inCi,
  runsKubectl,
  overlays,
  parseDocuments,
  preparedKnative,
  readText,
  render,
  renderOverlay,
  repoPath,
  walk,
  type K8sObject,
} from './support/repo';

if (!runsKubectl) {
  console.warn(
    '\n*** kubectl not found: the kustomize rendering checks of test/deploy are SKIPPED. ' +
      'Install kubectl (it includes kustomize) to run them. ***\n',
  );
}

const NAMESPACES = ['multivac', 'istio-system', 'knative-serving'];
const CLUSTER_SCOPED = ['Namespace'];

const label = (doc: K8sObject) =>
  `${doc.kind} ${doc.metadata.namespace ?? ''}/${doc.metadata.name}`;

describe('the overlays', () => {
  it('are local and gke, each with its own folder', () => {
    expect(overlays()).toEqual(['gke', 'local']);
  });

  it.runIf(inCi)('are rendered under CI: kubectl is installed', () => {
    expect(hasKubectl, 'kubectl is not on PATH; CI runs every rendering check').toBe(true);
  });
});

describe.skipIf(!runsKubectl)('kubectl kustomize', () => {
  describe.each(overlays())('overlay %s', (overlay) => {
    it('renders', () => {
      expect(renderOverlay(overlay).length).toBeGreaterThan(20);
    });

    it('renders only documents that validate with kubernetes-models (or, for PodMonitoring, structurally)', () => {
      const problems = renderOverlay(overlay).flatMap((doc) =>
        validateDocument(doc).map((p) => `${label(doc)}: ${p}`),
      );
      expect(problems).toEqual([]);
    });

    it('labels every object with app.kubernetes.io/name and part-of=multivac', () => {
      const unlabelled = renderOverlay(overlay)
        .filter(
          (doc) =>
            doc.metadata.labels?.['app.kubernetes.io/part-of'] !== 'multivac' ||
            !doc.metadata.labels['app.kubernetes.io/name'],
        )
        .map(label);
      expect(unlabelled).toEqual([]);
    });

    it('puts every namespaced object in multivac or istio-system, explicitly', () => {
      const misplaced = renderOverlay(overlay)
        .filter((doc) => !CLUSTER_SCOPED.includes(doc.kind))
        .filter((doc) => !NAMESPACES.includes(doc.metadata.namespace ?? ''))
        .map(label);
      expect(misplaced).toEqual([]);
    });

    it('has no two objects of the same kind and name in a namespace', () => {
      const keys = renderOverlay(overlay).map(
        (d) => `${d.apiVersion}/${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`,
      );
      expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    });
  });

  it('renders the base and the edge on their own', () => {
    expect(render('base').some((d) => d.kind === 'Service' && d.metadata.name === 'broker')).toBe(
      true,
    );
    expect(render('edge').every((d) => d.metadata.namespace === 'istio-system')).toBe(true);
  });

  it('renders every component together (a self-contained GKE cluster: managed extras plus in-cluster datastores)', () => {
    const components = walk('knative/components', (p) => p.endsWith('kustomization.yaml')).map(
      (p) => `../../${p.replace(/^knative\//, '').replace(/\/kustomization\.yaml$/, '')}`,
    );
    expect(components.length).toBeGreaterThanOrEqual(4);
    const overlaysDir = join(preparedKnative(), 'knative', 'overlays');
    const dir = join(overlaysDir, 'all-components');
    mkdirSync(dir, { recursive: true });
    for (const [from, to] of [
      ['local/redis.env', 'redis.env'],
      ['local/mongodb.env', 'mongodb.env'],
      ['gke/redis-ca.pem', 'redis-ca.pem'],
    ] as const) {
      copyFileSync(join(overlaysDir, from), join(dir, to));
    }
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'resources: [../../base, ../../edge]',
        `components: [${components.join(', ')}]`,
        'secretGenerator:',
        '  - {name: redis, namespace: multivac, envs: [redis.env]}',
        '  - {name: mongodb, namespace: multivac, envs: [mongodb.env]}',
        'configMapGenerator:',
        '  - {name: redis-ca, namespace: multivac, files: [ca.pem=redis-ca.pem]}',
      ].join('\n'),
    );
    const docs = render('overlays/all-components');
    expect(
      docs.filter((d) => ['StatefulSet', 'PodMonitoring', 'Ingress'].includes(d.kind)).length,
    ).toBe(2 + functionFolders().length + 1);
    expect(docs.flatMap((doc) => validateDocument(doc))).toEqual([]);
  });
});

describe('every component', () => {
  const components = walk('knative/components', (p) => p.endsWith('kustomization.yaml')).map((p) =>
    p.replace(/\/kustomization\.yaml$/, ''),
  );

  it.each(components)('%s is a kustomize Component with a README', (dir) => {
    expect(readText(dir, 'kustomization.yaml')).toMatch(/^kind: Component$/m);
    expect(existsSync(repoPath(dir, 'README.md'))).toBe(true);
  });

  it.each(components)('%s is used by an overlay', (dir) => {
    const name = dir.split('/').pop()!;
    const used = overlays().some((o) =>
      readText('knative/overlays', o, 'kustomization.yaml').includes(`components/${name}`),
    );
    expect(used).toBe(true);
  });
});

describe('documents outside the kustomize build', () => {
  it('the trigger table validates as Knative Triggers', () => {
    const triggers = parseDocuments<K8sObject>(readText('knative/base/triggers.yaml'));
    expect(triggers.length).toBeGreaterThan(0);
    expect(
      triggers.flatMap((t) => validateDocument(t).map((p) => `${t.metadata.name}: ${p}`)),
    ).toEqual([]);
  });

  it.each(walk('knative/platform', (p) => p.endsWith('.yaml')))(
    '%s validates (the Istio install of a platform)',
    (file) => {
      const docs = parseDocuments<K8sObject>(readText(file));
      expect(docs.length).toBeGreaterThan(0);
      expect(docs.every(modelled)).toBe(true);
      expect(docs.flatMap((d) => validateDocument(d))).toEqual([]);
    },
  );
});

describe('the validators themselves', () => {
  it('reject a Knative Service with a mistyped field', () => {
    const broken = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'x' },
      spec: { template: { spec: { containerConcurrency: 'ten', containers: [{ image: 'x' }] } } },
    } as unknown as K8sObject;
    expect(validateDocument(broken)).not.toEqual([]);
  });

  it('reject a PodMonitoring without endpoints and a kind nobody models', () => {
    const monitoring = {
      apiVersion: 'monitoring.googleapis.com/v1',
      kind: 'PodMonitoring',
      metadata: { name: 'x', namespace: 'multivac' },
      spec: { selector: { matchLabels: { a: 'b' } }, endpoint: [] },
    } as K8sObject;
    expect(validateDocument(monitoring)).toEqual(
      expect.arrayContaining([
        'spec.endpoint is not a PodMonitoring field',
        'spec.endpoints must list at least one endpoint',
      ]),
    );
    expect(validateDocument({ apiVersion: 'x/v1', kind: 'Y', metadata: { name: 'z' } })).toEqual([
      'no model or structural check for x/v1/Y',
    ]);
  });
});
