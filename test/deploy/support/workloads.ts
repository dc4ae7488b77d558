import type { K8sObject } from './repo';

/** A container as the manifests write it (the subset the checks read). */
export interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: {
      secretKeyRef?: { name: string; key: string; optional?: boolean };
      configMapKeyRef?: { name: string; key: string; optional?: boolean };
      fieldRef?: { fieldPath: string };
    };
  }[];
  envFrom?: {
    configMapRef?: { name: string; optional?: boolean };
    secretRef?: { name: string; optional?: boolean };
  }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  securityContext?: SecurityContext;
}

export interface Probe {
  httpGet?: { path: string; port?: number | string };
  exec?: { command: string[] };
  tcpSocket?: { port: number | string };
}

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}

export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  enableServiceLinks?: boolean;
  containerConcurrency?: number;
  timeoutSeconds?: number;
  securityContext?: SecurityContext & { fsGroup?: number };
  containers: Container[];
  initContainers?: Container[];
  volumes?: {
    name: string;
    configMap?: { name: string; optional?: boolean };
    secret?: { secretName: string; optional?: boolean };
    emptyDir?: object;
  }[];
}

/** A Knative Service, Deployment or StatefulSet, reduced to what runs: its pod template. */
export interface Workload {
  kind: 'Service' | 'Deployment' | 'StatefulSet';
  knative: boolean;
  name: string;
  namespace: string;
  object: K8sObject;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  pod: PodSpec;
}

interface Template {
  spec?: {
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: PodSpec;
    };
  };
}

export function workloads(docs: K8sObject[]): Workload[] {
  const out: Workload[] = [];
  for (const doc of docs) {
    const knative = doc.apiVersion === 'serving.knative.dev/v1' && doc.kind === 'Service';
    const apps =
      doc.apiVersion === 'apps/v1' && (doc.kind === 'Deployment' || doc.kind === 'StatefulSet');
    if (!knative && !apps) continue;
    const template = (doc as Template).spec?.template;
    if (!template?.spec) throw new Error(`${doc.kind} ${doc.metadata.name} has no pod template`);
    out.push({
      kind: doc.kind as Workload['kind'],
      knative,
      name: doc.metadata.name,
      namespace: doc.metadata.namespace ?? 'default',
      object: doc,
      labels: template.metadata?.labels ?? {},
      annotations: template.metadata?.annotations ?? {},
      pod: template.spec,
    });
  }
  return out;
}

export const allContainers = (w: Workload): Container[] => [
  ...w.pod.containers,
  ...(w.pod.initContainers ?? []),
];

/** Label selectors (matchLabels and matchExpressions), as Kubernetes evaluates them. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

export function selects(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    const value = labels[key];
    const ok =
      operator === 'In'
        ? has && values.includes(value!)
        : operator === 'NotIn'
          ? !has || !values.includes(value!)
          : operator === 'Exists'
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}
