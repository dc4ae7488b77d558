import { existsSync } from 'node:fs';
import { parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { readText, readYaml, repoPath, walk } from './support/repo';

const readme = readText('README.md');
const start = readme.indexOf('<!-- deploy:start -->');
const end = readme.indexOf('<!-- deploy:end -->');
const deploy = readme.slice(start, end);
const docs = readText('docs/deploy.md');

type Hcl = {
  resource?: Record<string, Record<string, unknown>>;
  output?: Record<string, unknown>;
};
const addresses = new Set<string>();
const outputs = new Set<string>();
const secretIds = new Set<string>();

beforeAll(async () => {
  for (const file of walk('terraform', (p) => p.endsWith('.tf'))) {
    const hcl = (await parse(file, readText(file))) as Hcl;
    for (const [type, byName] of Object.entries(hcl.resource ?? {})) {
      for (const [name, blocks] of Object.entries(byName)) {
        addresses.add(`${type}.${name}`);
        const id = (blocks as { secret_id?: string }[])[0]?.secret_id;
        if (id) secretIds.add(id);
      }
    }
    for (const name of Object.keys(hcl.output ?? {})) outputs.add(name);
  }
});

describe('README "Deploy"', () => {
  it('is filled in between its markers', () => {
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    expect(deploy).toMatch(/^## Deploy$/m);
    expect(deploy).not.toContain('(to be written)');
  });

  it('goes from an empty project to curl https://…/multivac, every step in order', () => {
    const steps = [
      'gcloud projects create',
      'gcloud billing projects link',
      'gcloud storage buckets create',
      'cp terraform/backend.tf.example terraform/backend.tf',
      'terraform -chdir=terraform init',
      'terraform -chdir=terraform apply',
      'output -raw edge_ip_address',
      'gcloud secrets versions add multivac-mongodb-uri',
      'gcloud container clusters get-credentials',
      'istioctl" install -y -f knative/platform/gke/istio.yaml',
      'serving-crds.yaml',
      'serving-core.yaml',
      'net-istio.yaml',
      'cert-manager.yaml',
      '> knative/overlays/gke/redis-ca.pem',
      '> knative/overlays/gke/redis.env',
      '> knative/overlays/gke/mongodb.env',
      'SKAFFOLD_DEFAULT_REPO=$(terraform -chdir=terraform output -raw image_repository)',
      'skaffold run -p gke',
      'curl https://$DOMAIN/multivac',
    ];
    const positions = steps.map((s) => deploy.indexOf(s));
    expect(steps.filter((_, i) => positions[i] === -1)).toEqual([]);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('writes exactly the files the gke overlay generates its Secrets and CA from', () => {
    const written = [...deploy.matchAll(/> (knative\/overlays\/gke\/\S+)/g)]
      .map((m) => m[1])
      .sort();
    const inputs = walk('knative/overlays/gke', (p) => p.endsWith('.example')).map((p) =>
      p.replace(/\.example$/, ''),
    );
    expect(written).toEqual(inputs.sort());
  });

  it('lists what terraform creates, by resource address', () => {
    const named = [...deploy.matchAll(/`(google_[a-z_]+\.[a-z_]+)`/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(15);
  });

  it('uses the same platform versions as docs/deploy.md', () => {
    const versions = (text: string) =>
      text.match(/(KNATIVE|ISTIO|CERT_MANAGER)_VERSION=[^$\s]\S*/g)?.sort();
    expect(versions(deploy)).toHaveLength(3);
    expect(versions(docs)).toEqual(versions(deploy));
  });

  it('uses skaffold profiles that exist', () => {
    const profiles = readYaml<{ profiles: { name: string }[] }>('skaffold.yaml').profiles.map(
      (p) => p.name,
    );
    for (const text of [deploy, docs]) {
      for (const [, profile] of text.matchAll(/skaffold (?:run|dev|delete)[^\n]*?-p ([\w-]+)/g)) {
        expect(profiles).toContain(profile);
      }
    }
  });
});

describe.each([
  ['README "Deploy"', () => deploy],
  ['docs/deploy.md', () => docs],
])('%s names only what exists', (_name, text) => {
  it('terraform resources', () => {
    const named = [...text().matchAll(/\b(google_[a-z_]+\.[a-z_]+)\b/g)].map((m) => m[1]!);
    expect(named.filter((a) => !addresses.has(a))).toEqual([]);
  });

  it('terraform outputs', () => {
    const named = [...text().matchAll(/output -raw (\w+)/g)].map((m) => m[1]!);
    expect(named.filter((o) => !outputs.has(o))).toEqual([]);
  });

  it('Secret Manager secrets', () => {
    const named = [
      ...text().matchAll(/(?:--secret=|secrets versions add )(multivac-[a-z-]+)/g),
    ].map((m) => m[1]!);
    expect(named.filter((s) => !secretIds.has(s))).toEqual([]);
  });

  it('repository paths', () => {
    const named = [
      ...text().matchAll(/`((?:knative|terraform|docs|test|functions)\/[\w./{},-]*?)`/g),
    ].map((m) => m[1]!);
    const missing = named
      .flatMap((p) => {
        const brace = /^(.*)\{([^}]+)\}(.*)$/.exec(p);
        return brace ? brace[2]!.split(',').map((x) => `${brace[1]}${x}${brace[3]}`) : [p];
      })
      .map((p) => p.replace(/\/\*$/, '').replace(/<name>.*$/, ''))
      .filter((p) => !existsSync(repoPath(p)));
    expect(missing).toEqual([]);
  });
});
