import { describe, expect, it } from 'vitest';
import { readText, readYaml, walk } from './support/repo';

interface Job {
  stage?: string;
  extends?: string;
  image?: string | { name: string };
  services?: (string | { name: string; alias?: string })[];
  variables?: Record<string, string>;
  before_script?: string[];
  script?: string[];
  after_script?: string[];
  needs?: string[];
  environment?: { name: string; url?: string; deployment_tier?: string };
  rules?: { if?: string; when?: string }[];
  allow_failure?: boolean;
  artifacts?: { paths?: string[] };
  tags?: string[];
}

const ci = readYaml<
  Record<string, unknown> & { stages: string[]; variables?: Record<string, string> }
>('.gitlab-ci.yml');
const job = (name: string): Job => {
  const raw = ci[name] as Job | undefined;
  if (!raw) throw new Error(`no job ${name}`);
  // One level of `extends` is all the file uses.
  return raw.extends ? { ...(ci[raw.extends] as Job), ...raw } : raw;
};
const scripts = (j: Job) => [...(j.before_script ?? []), ...(j.script ?? [])].join('\n');
const serviceImages = (j: Job) =>
  (j.services ?? []).map((s) => (typeof s === 'string' ? s : s.name));

describe('.gitlab-ci.yml', () => {
  it('runs test, build and deploy stages in that order', () => {
    expect(ci.stages).toEqual(['test', 'build', 'deploy']);
  });

  it('tests with real Redis and MongoDB services and the README test command', () => {
    const test = job('test');
    expect(test.stage).toBe('test');
    expect(serviceImages(test).some((i) => /^redis:/.test(i))).toBe(true);
    expect(serviceImages(test).some((i) => /^mongo:/.test(i))).toBe(true);
    expect(test.variables?.REDIS_URL).toMatch(/^redis:\/\//);
    expect(test.variables?.MONGODB_URI).toMatch(/^mongodb:\/\//);
    expect(test.script).toContain('npm test');
    // kubectl and terraform make the deployment checks run in full rather than skip.
    expect(scripts(test)).toMatch(/kubectl/);
    expect(scripts(test)).toMatch(/terraform/);
  });

  it('installs what the suites start themselves, before `npm test`', () => {
    // What the test files need beyond the shared REDIS_URL and MONGODB_URI: each server kind is
    // required as soon as a test starts one of its own (the job's services cannot be restarted).
    const testFiles = walk('test', (p) => p.endsWith('.ts')).filter(
      (p) => !p.startsWith('test/reliability/'),
    );
    const startsOwn = (pattern: RegExp) => testFiles.filter((f) => pattern.test(readText(f)));
    const redisServer = startsOwn(/\bstart(Redis|Services)\(/);
    const ferretdb = startsOwn(/\bstart(Mongo|Services)\(/);
    expect(redisServer.length).toBeGreaterThan(0);
    expect(ferretdb.length).toBeGreaterThan(0);

    const test = job('test');
    const steps = [...(test.before_script ?? []), ...(test.script ?? [])];
    const at = (pattern: RegExp) => steps.findIndex((line) => pattern.test(line));
    const npmTest = at(/^npm test$/);
    const installs = {
      'redis-server (apt)': at(/apt-get install .*\bredis-server\b/),
      'Go (for FerretDB)': at(
        /go\$\{GO_VERSION\}\.linux-amd64\.tar\.gz|apt-get install .*\bgolang/,
      ),
      'Go on PATH': at(/PATH=.*\/go\/bin/),
      'FerretDB built, though MONGODB_URI is set': at(/^MONGODB_URI= npm run services -- install$/),
      kubectl: at(/\/kubectl\b/),
      terraform: at(/terraform_.*\.zip/),
    };
    expect(npmTest).toBeGreaterThan(0);
    for (const [what, index] of Object.entries(installs)) {
      expect(index, what).toBeGreaterThanOrEqual(0);
      expect(index, `${what} before npm test`).toBeLessThan(npmTest);
    }
    // FerretDB v1.24.2 needs Go 1.24 or later (its go.mod), and the build asks for no newer one.
    const [major, minor] = String(ci.variables?.GO_VERSION ?? '')
      .split('.')
      .map(Number);
    expect(major === 1 && (minor ?? 0) >= 24, `GO_VERSION ${ci.variables?.GO_VERSION}`).toBe(true);
    // The job's image is Debian, where that apt-get works.
    expect(String(ci.variables?.NODE_IMAGE)).toMatch(/-(bookworm|trixie)(-slim)?$/);
  });

  it('runs what only a pipeline can: terraform init and validate', () => {
    const terraform = job('terraform');
    expect(terraform.stage).toBe('test');
    expect(scripts(terraform)).toMatch(/terraform -chdir=terraform init -backend=false/);
    expect(scripts(terraform)).toMatch(/terraform -chdir=terraform validate/);
  });

  it('builds every function with skaffold (gke profile) and keeps the digests', () => {
    const build = job('build');
    expect(build.stage).toBe('build');
    expect(build.script?.join('\n')).toMatch(
      /^skaffold build -p gke --push .*--file-output=build\.json/m,
    );
    expect(build.artifacts?.paths).toContain('build.json');
    expect(serviceImages(build).some((i) => /^docker:.*dind$/.test(i))).toBe(true);
  });

  it.each([
    ['deploy:staging', 'staging', undefined],
    ['deploy:production', 'production', 'manual'],
  ])(
    '%s deploys with the gke profile to the %s environment (when: %s)',
    (name, environment, when) => {
      const deploy = job(name);
      expect(deploy.stage).toBe('deploy');
      expect(deploy.environment?.name).toBe(environment);
      expect(deploy.environment?.deployment_tier).toBe(environment);
      expect(deploy.script?.join('\n')).toMatch(
        /skaffold deploy -p gke --build-artifacts=build\.json/,
      );
      expect(deploy.needs).toContain('build');
      expect(deploy.rules?.[0]?.when).toBe(when);
    },
  );

  it('production waits for a person and for staging', () => {
    const production = job('deploy:production');
    expect(production.rules).toEqual([expect.objectContaining({ when: 'manual' })]);
    expect(production.allow_failure).toBe(false);
    expect(production.needs).toContain('deploy:staging');
  });

  it('the deploy writes exactly the git-ignored inputs of the gke overlay, and removes them after', () => {
    const deploy = job('deploy:staging');
    const written = [...scripts(deploy).matchAll(/> (knative\/overlays\/gke\/\S+)/g)]
      .map((m) => m[1])
      .sort();
    const inputs = walk('knative/overlays/gke', (p) => p.endsWith('.example'))
      .map((p) => p.replace(/\.example$/, ''))
      .sort();
    expect(written).toEqual(inputs);
    for (const file of inputs) expect(deploy.after_script?.join('\n')).toContain(file);
  });

  it('holds no credentials', () => {
    const text = JSON.stringify(ci);
    expect(text).not.toMatch(/glrt-|AKIA[0-9A-Z]{16}|PRIVATE KEY|:\/\/[^:@/\s]+:[^@/\s]+@/);
  });
});
