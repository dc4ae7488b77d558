import { Issuer, Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import { BackendConfig } from '@kubernetes-models/gke/cloud.google.com/v1';
import { FrontendConfig } from '@kubernetes-models/gke/networking.gke.io/v1beta1';
import { IstioOperator } from '@kubernetes-models/istio/install.istio.io/v1alpha1';
import { Gateway, VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1beta1';
import { Trigger } from '@kubernetes-models/knative/eventing.knative.dev/v1';
import { Service as KnativeService } from '@kubernetes-models/knative/serving.knative.dev/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { K8sObject } from './repo';

interface Validatable {
  validate(): void;
}

type ModelClass = new (data: never) => Validatable;

/** apiVersion/kind → the kubernetes-models class that carries its schema. */
const models: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'serving.knative.dev/v1/Service': KnativeService,
  'eventing.knative.dev/v1/Trigger': Trigger,
  'networking.istio.io/v1beta1/Gateway': Gateway,
  'networking.istio.io/v1beta1/VirtualService': VirtualService,
  'security.istio.io/v1beta1/AuthorizationPolicy': AuthorizationPolicy,
  'install.istio.io/v1alpha1/IstioOperator': IstioOperator,
  'cert-manager.io/v1/Certificate': Certificate,
  'cert-manager.io/v1/Issuer': Issuer,
  'cloud.google.com/v1/BackendConfig': BackendConfig,
  'networking.gke.io/v1beta1/FrontendConfig': FrontendConfig,
};

/**
 * Kinds with no model in the kubernetes-models packages, checked structurally instead. Google
 * Managed Prometheus' PodMonitoring (monitoring.googleapis.com/v1) is not in
 * @kubernetes-models/gke (which has monitoring.gke.io's PodMonitor, a different kind).
 */
const structural: Record<string, (doc: K8sObject) => string[]> = {
  'monitoring.googleapis.com/v1/PodMonitoring': podMonitoringProblems,
};

export const modelled = (doc: K8sObject): boolean =>
  `${doc.apiVersion}/${doc.kind}` in models || `${doc.apiVersion}/${doc.kind}` in structural;

/** Problems of one document: schema errors, or "no model" for a kind nobody checks. */
export function validateDocument(doc: K8sObject): string[] {
  const key = `${doc.apiVersion}/${doc.kind}`;
  const Model = models[key];
  if (Model) {
    try {
      new Model(normalize(doc) as never).validate();
      return [];
    } catch (err) {
      return [(err as Error).message];
    }
  }
  const check = structural[key];
  if (check) return check(doc);
  return [`no model or structural check for ${key}`];
}

/**
 * kustomize wraps long base64 values of generated Secrets across lines; the API server's decoder
 * skips the line breaks, the model's `byte` format does not. Join them as the server reads them.
 */
function normalize(doc: K8sObject): K8sObject {
  if (doc.apiVersion !== 'v1' || doc.kind !== 'Secret' || typeof doc.data !== 'object') return doc;
  const data = Object.fromEntries(
    Object.entries(doc.data as Record<string, string>).map(([k, v]) => [k, v.replace(/\s+/g, '')]),
  );
  return { ...doc, data };
}

interface PodMonitoring extends K8sObject {
  spec?: {
    selector?: { matchLabels?: Record<string, unknown>; matchExpressions?: unknown[] };
    endpoints?: { port?: unknown; path?: unknown; interval?: unknown; timeout?: unknown }[];
  };
}

/** The fields of monitoring.googleapis.com/v1 PodMonitoring that MultiVAC uses, typed. */
function podMonitoringProblems(doc: K8sObject): string[] {
  const problems: string[] = [];
  const spec = (doc as PodMonitoring).spec;
  const allowedSpec = ['selector', 'endpoints', 'targetLabels', 'limits', 'filterRunning'];
  if (!spec || typeof spec !== 'object') return ['spec is required'];
  for (const key of Object.keys(spec)) {
    if (!allowedSpec.includes(key)) problems.push(`spec.${key} is not a PodMonitoring field`);
  }
  if (!doc.metadata.namespace) problems.push('metadata.namespace is required (namespaced kind)');
  const labels = spec.selector?.matchLabels;
  if (!labels || Object.keys(labels).length === 0)
    problems.push('spec.selector.matchLabels is empty');
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (typeof v !== 'string') problems.push(`spec.selector.matchLabels.${k} must be a string`);
  }
  if (!Array.isArray(spec.endpoints) || spec.endpoints.length === 0) {
    problems.push('spec.endpoints must list at least one endpoint');
  }
  for (const [i, e] of (spec.endpoints ?? []).entries()) {
    const portOk =
      (typeof e.port === 'number' && Number.isInteger(e.port) && e.port > 0 && e.port < 65536) ||
      (typeof e.port === 'string' && /^[a-z0-9-]{1,15}$/.test(e.port));
    if (!portOk) problems.push(`spec.endpoints[${i}].port must be a port number or name`);
    if (e.path !== undefined && (typeof e.path !== 'string' || !e.path.startsWith('/'))) {
      problems.push(`spec.endpoints[${i}].path must be an absolute path`);
    }
    for (const field of ['interval', 'timeout'] as const) {
      const value = e[field];
      if (value !== undefined && (typeof value !== 'string' || !/^(\d+(ms|s|m|h))+$/.test(value))) {
        problems.push(`spec.endpoints[${i}].${field} must be a Prometheus duration`);
      }
    }
  }
  return problems;
}
