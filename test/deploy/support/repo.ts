import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/** The repository root (this file is test/deploy/support/repo.ts). */
export const root = resolve(import.meta.dirname, '../../..');

export const repoPath = (...parts: string[]): string => join(root, ...parts);

export const readText = (...parts: string[]): string => readFileSync(repoPath(...parts), 'utf8');

export const readYaml = <T = unknown>(...parts: string[]): T => parse(readText(...parts)) as T;

/** Every YAML document of a multi-document text, empty ones dropped. */
export function parseDocuments<T = unknown>(text: string): T[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
      return doc.toJS() as T;
    })
    .filter((doc) => doc !== null && doc !== undefined);
}

/** Whether a command-line tool can be run here. */
export function available(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

export const hasKubectl = available('kubectl', ['version', '--client']);
export const hasTerraform = available('terraform', ['version']);

/**
 * Under CI (`CI=true`, as .ci/run and GitLab set it) every check runs: a missing kubectl or
 * terraform fails the checks that need it instead of skipping them. Elsewhere they are skipped
 * with a warning, so that `npm test` works on a machine without them.
 */
export const inCi = process.env.CI === 'true';
/** Whether the kustomize rendering checks run: where kubectl is, and always under CI. */
export const runsKubectl = hasKubectl || inCi;
/** Whether `terraform fmt` runs: where terraform is, and always under CI. */
export const runsTerraform = hasTerraform || inCi;

/** Files below `dir` (repo-relative), recursively, skipping node_modules and .terraform. */
export function walk(dir: string, filter: (path: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const visit = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.terraform') continue;
      const path = join(abs, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (filter(path)) out.push(relative(root, path));
    }
  };
  if (existsSync(repoPath(dir))) visit(repoPath(dir));
  return out.sort();
}

/** Files git tracks below `dir`. */
export function gitFiles(dir: string): string[] {
  return execFileSync('git', ['ls-files', '-z', '--', dir], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
}

/** Whether git would ignore `path` (repo-relative), whether or not it exists. */
export function gitIgnores(path: string): boolean {
  const result = spawnSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: root });
  return result.status === 0;
}

/**
 * The functions: one folder per deployable function (docs/architecture.md#components).
 * While `functions/` is being written some folders may be missing; the architecture names six,
 * and the manifests are checked against both lists.
 */
export const DESIGNED_FUNCTIONS = ['question', 'data', 'process', 'acquire', 'learn', 'broker'];

export function functionFolders(): string[] {
  if (!existsSync(repoPath('functions'))) return [];
  return readdirSync(repoPath('functions'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The overlays: every folder of knative/overlays with a kustomization. */
export function overlays(): string[] {
  return readdirSync(repoPath('knative/overlays'), { withFileTypes: true })
    .filter(
      (e) =>
        e.isDirectory() && existsSync(repoPath('knative/overlays', e.name, 'kustomization.yaml')),
    )
    .map((e) => e.name)
    .sort();
}

let workdir: string | undefined;

/**
 * A copy of knative/ in which every `<file>.example` has become `<file>`, exactly as a user
 * prepares a checkout before rendering (the real files are git-ignored and never read here).
 */
export function preparedKnative(): string {
  if (workdir) return workdir;
  const dir = mkdtempSync(join(tmpdir(), 'multivac-deploy-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  cpSync(repoPath('knative'), join(dir, 'knative'), { recursive: true });
  for (const example of walk('knative', (p) => p.endsWith('.example'))) {
    const target = join(dir, example.replace(/\.example$/, ''));
    copyFileSync(join(dir, example), target);
  }
  workdir = dir;
  return dir;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

const rendered = new Map<string, K8sObject[]>();

/** `kubectl kustomize <path>` (path relative to knative/), parsed. */
export function render(path: string): K8sObject[] {
  const cached = rendered.get(path);
  if (cached) return cached;
  const dir = join(preparedKnative(), 'knative', path);
  const output = execFileSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const docs = parseDocuments<K8sObject>(output);
  rendered.set(path, docs);
  return docs;
}

export const renderOverlay = (name: string): K8sObject[] => render(`overlays/${name}`);

/** Strips kustomize's content-hash suffix from a generated name. */
export const baseName = (name: string): string => name.replace(/-[a-z0-9]{10}$/, '');

/** Objects of a kind; `apiGroup` '' is the core group (apiVersion v1). */
export const byKind = <T extends K8sObject = K8sObject>(
  docs: K8sObject[],
  kind: string,
  apiGroup?: string,
): T[] =>
  docs.filter(
    (d) =>
      d.kind === kind &&
      (apiGroup === undefined ||
        (d.apiVersion.includes('/') ? d.apiVersion.split('/')[0] : '') === apiGroup),
  ) as T[];

export const dirOf = (path: string): string => dirname(path);
