import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { CoreConfigSchema } from '../../core/config.ts';
import { createWorkerStatusApp } from '../../core/http/worker-status-app.ts';
import { startCore, type StartedCore } from '../support/start-core.ts';

/**
 * deploy/kubernetes (kustomize base + overlays), validated offline: core Kubernetes kinds against
 * the Kubernetes OpenAPI schemas (kubernetes-models), KEDA's ScaledObject and the Prometheus
 * Operator's ServiceMonitor against the subset of their CRDs used here (strict: an unknown key
 * fails); then what ties them to the code: probe paths and ports that core and the worker serve,
 * env names core/config.ts parses, grace periods, selectors, and the overlays' patch targets.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BASE = path.join(ROOT, 'deploy/kubernetes/base');
const OVERLAYS = path.join(ROOT, 'deploy/kubernetes/overlays');

type Resource = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: any; data?: Record<string, string> };

const ScaledObjectSchema = z
  .object({
    apiVersion: z.literal('keda.sh/v1alpha1'),
    kind: z.literal('ScaledObject'),
    metadata: z.object({ name: z.string() }).strict(),
    spec: z
      .object({
        scaleTargetRef: z.object({ name: z.string(), kind: z.literal('Deployment').optional(), apiVersion: z.string().optional() }).strict(),
        minReplicaCount: z.number().int().min(0),
        maxReplicaCount: z.number().int().min(1),
        pollingInterval: z.number().int().positive().optional(),
        cooldownPeriod: z.number().int().positive().optional(),
        fallback: z.object({ failureThreshold: z.number().int().positive(), replicas: z.number().int().positive() }).strict().optional(),
        triggers: z
          .array(
            z
              .object({
                type: z.literal('prometheus'),
                metadata: z
                  .object({ serverAddress: z.string().url(), query: z.string().min(1), threshold: z.string().regex(/^\d+(\.\d+)?$/), activationThreshold: z.string().regex(/^\d+(\.\d+)?$/).optional() })
                  .strict(),
              })
              .strict(),
          )
          .min(1),
      })
      .strict(),
  })
  .strict();

const ServiceMonitorSchema = z
  .object({
    apiVersion: z.literal('monitoring.coreos.com/v1'),
    kind: z.literal('ServiceMonitor'),
    metadata: z.object({ name: z.string() }).strict(),
    spec: z
      .object({
        selector: z.object({ matchLabels: z.record(z.string(), z.string()) }).strict(),
        endpoints: z.array(z.object({ port: z.string(), path: z.string().startsWith('/'), interval: z.string().regex(/^\d+[smh]$/) }).strict()).min(1),
      })
      .strict(),
  })
  .strict();

const KustomizationSchema = z
  .object({
    apiVersion: z.literal('kustomize.config.k8s.io/v1beta1'),
    kind: z.literal('Kustomization'),
    namespace: z.string().optional(),
    labels: z.array(z.object({ pairs: z.record(z.string(), z.string()) }).strict()).optional(),
    resources: z.array(z.string()),
    images: z.array(z.object({ name: z.string(), newName: z.string().optional(), newTag: z.string().optional() }).strict()).optional(),
    patches: z.array(z.object({ path: z.string() }).strict()).optional(),
  })
  .strict();

/** Validates one resource: Kubernetes kinds with kubernetes-models, the CRDs with the schemas above. */
function validate(resource: Resource): void {
  switch (resource.kind) {
    case 'Deployment':
      return new Deployment(resource as never).validate();
    case 'Service':
      return new Service(resource as never).validate();
    case 'ConfigMap':
      return new ConfigMap(resource as never).validate();
    case 'HorizontalPodAutoscaler':
      return new HorizontalPodAutoscaler(resource as never).validate();
    case 'PodDisruptionBudget':
      return new PodDisruptionBudget(resource as never).validate();
    case 'NetworkPolicy':
      return new NetworkPolicy(resource as never).validate();
    case 'ScaledObject':
      return void ScaledObjectSchema.parse(resource);
    case 'ServiceMonitor':
      return void ServiceMonitorSchema.parse(resource);
    default:
      throw new Error(`no validator for kind ${resource.kind}`);
  }
}

async function readResources(dir: string, files: readonly string[]): Promise<Resource[]> {
  const resources: Resource[] = [];
  for (const file of files) {
    for (const document of parseAllDocuments(await readFile(path.join(dir, file), 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]!.message}`);
      resources.push(document.toJS() as Resource);
    }
  }
  return resources;
}

/** Strategic-merge in the small form the overlays use: objects merge, anything else replaces. */
function merge(base: unknown, patch: unknown): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) merged[key] = merge(merged[key], value);
  return merged;
}

let resources: Resource[];
let config: Record<string, string>;
const byKind = (kind: string) => resources.filter((resource) => resource.kind === kind);
const named = (kind: string, name: string) => resources.find((resource) => resource.kind === kind && resource.metadata.name === name);

beforeAll(async () => {
  const kustomization = KustomizationSchema.parse(parse(await readFile(path.join(BASE, 'kustomization.yaml'), 'utf8')));
  resources = await readResources(BASE, kustomization.resources);
  config = named('ConfigMap', 'apfa-core-config')!.data!;
});

describe('kustomize base', () => {
  it('lists every manifest file in the folder, and each resource validates against its schema', async () => {
    const kustomization = KustomizationSchema.parse(parse(await readFile(path.join(BASE, 'kustomization.yaml'), 'utf8')));
    const files = (await readdir(BASE)).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    for (const resource of resources) expect(() => validate(resource), `${resource.kind}/${resource.metadata.name}`).not.toThrow();
    expect(resources.map((resource) => resource.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'Deployment', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'NetworkPolicy', 'PodDisruptionBudget', 'ScaledObject', 'Service', 'Service', 'ServiceMonitor', 'ServiceMonitor'].sort(),
    );
  });

  it('the schema check is live: a probe port that is not a number or name, and a misspelt ScaledObject key, are refused', () => {
    const api = structuredClone(named('Deployment', 'apfa-core')!);
    api.spec.template.spec.containers[0].readinessProbe.httpGet.port = { bad: true };
    expect(() => validate(api)).toThrow();
    const scaled = structuredClone(named('ScaledObject', 'apfa-worker')!);
    scaled.spec.maxReplicas = 3;
    expect(() => validate(scaled)).toThrow();
  });

  it('configures core only with variables core/config.ts parses, secrets only by reference', () => {
    const known = new Set(Object.keys(CoreConfigSchema.shape));
    expect(Object.keys(config).filter((key) => !known.has(key))).toEqual([]);
    expect(() => CoreConfigSchema.parse({ ...config, EDGE_SHARED_SECRET: 'x'.repeat(32) })).not.toThrow();
    for (const deployment of byKind('Deployment')) {
      const container = deployment.spec.template.spec.containers[0];
      const env = container.env as { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
      expect(env.map((entry) => entry.name).filter((name) => !known.has(name)), deployment.metadata.name).toEqual([]);
      for (const entry of env) {
        expect(entry.value, `${entry.name} must come from the Secret`).toBeUndefined();
        expect(entry.valueFrom?.secretKeyRef).toEqual(expect.objectContaining({ name: 'apfa-core-secrets', key: entry.name }));
      }
      expect(container.envFrom).toEqual([{ configMapRef: { name: 'apfa-core-config' } }]);
    }
    expect(byKind('Secret')).toEqual([]);
  });

  it('gives each pod longer to stop than SHUTDOWN_GRACE_SECONDS plus its preStop pause', () => {
    const grace = Number(config.SHUTDOWN_GRACE_SECONDS ?? CoreConfigSchema.shape.SHUTDOWN_GRACE_SECONDS.parse(undefined));
    for (const deployment of byKind('Deployment')) {
      const pod = deployment.spec.template.spec;
      const pause = Number(pod.containers[0].lifecycle?.preStop?.exec?.command?.[1] ?? 0);
      expect(pod.terminationGracePeriodSeconds, deployment.metadata.name).toBeGreaterThan(grace + pause);
    }
  });

  it('the API has readiness /ready, liveness /health, a startup probe of at least 5 minutes, resources, a PDB and an HPA', () => {
    const api = named('Deployment', 'apfa-core')!;
    const container = api.spec.template.spec.containers[0];
    expect(container.command).toContain('api');
    expect(container.readinessProbe.httpGet.path).toBe('/ready');
    expect(container.livenessProbe.httpGet.path).toBe('/health');
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300);
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    expect(named('PodDisruptionBudget', 'apfa-core')!.spec.selector.matchLabels).toEqual(api.spec.selector.matchLabels);
    expect(named('HorizontalPodAutoscaler', 'apfa-core')!.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'apfa-core' });
  });

  it('scales the worker with KEDA on the waiting jobs, and keeps one for the schedules', () => {
    const scaled = named('ScaledObject', 'apfa-worker')!;
    expect(named('Deployment', scaled.spec.scaleTargetRef.name)?.spec.template.spec.containers[0].command).toContain('worker');
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(scaled.spec.triggers[0].metadata.query).toMatch(/apfa_queue_depth\{state=~"waiting/);
  });

  it('Services, ServiceMonitors and NetworkPolicies select the pods and name ports that exist', () => {
    const podLabels = (name: string) => named('Deployment', name)!.spec.template.metadata.labels as Record<string, string>;
    const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value);
    for (const service of byKind('Service')) {
      const deployment = byKind('Deployment').find((candidate) => matches(service.spec.selector, podLabels(candidate.metadata.name)));
      expect(deployment, service.metadata.name).toBeDefined();
      const ports = deployment!.spec.template.spec.containers[0].ports.map((port: { name: string }) => port.name);
      for (const port of service.spec.ports) expect(ports).toContain(port.targetPort);
    }
    for (const monitor of byKind('ServiceMonitor')) {
      const service = byKind('Service').find((candidate) => matches(monitor.spec.selector.matchLabels, candidate.metadata.labels ?? {}));
      expect(service, monitor.metadata.name).toBeDefined();
      // The job label is the Service name: the alert rules and dashboards use apfa-core and apfa-worker.
      expect(['apfa-core', 'apfa-worker']).toContain(service!.metadata.name);
      for (const endpoint of monitor.spec.endpoints) expect(service!.spec.ports.map((port: { name: string }) => port.name)).toContain(endpoint.port);
    }
    for (const policy of byKind('NetworkPolicy')) {
      const deployment = byKind('Deployment').find((candidate) => matches(policy.spec.podSelector.matchLabels, podLabels(candidate.metadata.name)));
      expect(deployment, policy.metadata.name).toBeDefined();
      const containerPorts = deployment!.spec.template.spec.containers[0].ports.map((port: { containerPort: number }) => port.containerPort);
      for (const rule of policy.spec.ingress) for (const port of rule.ports) expect(containerPorts).toContain(port.port);
    }
    const coreSources = named('NetworkPolicy', 'apfa-core')!.spec.ingress.flatMap((rule: { from: unknown[] }) => rule.from);
    expect(coreSources).toEqual([
      { namespaceSelector: {}, podSelector: { matchLabels: { 'apfa.io/edge-gateway': 'true' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } },
    ]);
  });

  it('container ports are the ports core listens on (PORT, WORKER_METRICS_PORT)', () => {
    const port = (deployment: string, name: string) =>
      named('Deployment', deployment)!.spec.template.spec.containers[0].ports.find((entry: { name: string }) => entry.name === name).containerPort;
    expect(String(port('apfa-core', 'http'))).toBe(config.PORT);
    expect(String(port('apfa-worker', 'metrics'))).toBe(config.WORKER_METRICS_PORT);
  });
});

describe('what the probes ask is what core and the worker serve', () => {
  let core: StartedCore;
  beforeAll(async () => {
    core = await startCore();
  }, 120_000);
  afterAll(() => core?.stop());

  it("the API's probe paths answer 200 on a started core", async () => {
    const container = named('Deployment', 'apfa-core')!.spec.template.spec.containers[0];
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const response = await fetch(`${core.url}${container[probe].httpGet.path}`);
      expect(response.status, probe).toBe(200);
    }
  });

  it("the worker's probe paths answer 200 on its status app (WORKER_METRICS_PORT), and it serves /metrics", async () => {
    const app = createWorkerStatusApp({ registry: new Registry() });
    const container = named('Deployment', 'apfa-worker')!.spec.template.spec.containers[0];
    for (const probe of ['readinessProbe', 'livenessProbe']) expect((await app.request(container[probe].httpGet.path)).status, probe).toBe(200);
    const monitor = named('ServiceMonitor', 'apfa-worker')!;
    expect((await app.request(monitor.spec.endpoints[0].path)).status).toBe(200);
  });
});

describe('overlays', () => {
  it('build on the base, patch resources it has, and the patched resources still validate', async () => {
    const overlays = await readdir(OVERLAYS);
    expect(overlays.sort()).toEqual(['production', 'staging']);
    for (const overlay of overlays) {
      const dir = path.join(OVERLAYS, overlay);
      const kustomization = KustomizationSchema.parse(parse(await readFile(path.join(dir, 'kustomization.yaml'), 'utf8')));
      expect(kustomization.resources).toEqual(['../../base']);
      for (const image of kustomization.images ?? []) expect(resources.some((resource) => resource.kind === 'Deployment' && resource.spec.template.spec.containers[0].image.split(':')[0] === image.name)).toBe(true);
      for (const patch of kustomization.patches ?? []) {
        for (const change of await readResources(dir, [patch.path])) {
          const target = named(change.kind, change.metadata.name);
          expect(target, `${overlay}/${patch.path} patches ${change.kind}/${change.metadata.name}, which the base lacks`).toBeDefined();
          expect(() => validate(merge(target, change) as Resource), `${overlay}/${patch.path}`).not.toThrow();
        }
      }
    }
  });
});
