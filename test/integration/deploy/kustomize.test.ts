/**
 * deploy/ rendered by the real `kubectl kustomize`: the objects a platform team installs, the agent config in
 * the generated ConfigMap as the agent itself parses it, and the Deployment wired to that config (ports,
 * probes, mounts) the way src/agent.ts serves it.
 */
import { dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/index.js';
import { parseConfig } from '../../../src/config/index.js';
import type { Container, PodSpec, Rendered, RenderedObject } from './manifests.js';
import { NAMESPACE, one, podSpec, renderDeploy, resolvePort, stewardCrds } from './manifests.js';

let rendered: Rendered;
let config: Config;
let deployment: RenderedObject;
let pod: PodSpec;
let container: Container;

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
]);

beforeAll(async () => {
  rendered = await renderDeploy();
  const cm = one(rendered.objects, 'ConfigMap');
  const text = (cm.data as Record<string, string>)['steward.yaml'];
  if (text === undefined) throw new Error('the ConfigMap has no steward.yaml key');
  config = parseConfig(text, 'deploy/steward.yaml');
  deployment = one(rendered.objects, 'Deployment', 'steward');
  pod = podSpec(deployment);
  container = pod.containers[0] as Container;
});

describe('kubectl kustomize deploy/', () => {
  it('renders the install: namespace, CRDs, identity, RBAC, config, workload, service, policy', () => {
    // The generated ConfigMap's name carries a content hash; compare it without.
    const kinds = rendered.objects.map((o) =>
      o.kind === 'ConfigMap'
        ? `ConfigMap/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`
        : `${o.kind}/${o.metadata.name}`,
    );
    expect(kinds.sort()).toEqual(
      [
        'Namespace/steward-system',
        ...stewardCrds().map((c) => `CustomResourceDefinition/${c.name}`),
        'ServiceAccount/steward',
        'ClusterRole/steward-controller',
        'ClusterRoleBinding/steward-controller',
        'ClusterRoleBinding/steward-bootstrap-cluster-admin',
        'Role/steward-leader-election',
        'RoleBinding/steward-leader-election',
        'ConfigMap/steward-config',
        'Deployment/steward',
        'Service/steward-metrics',
        'Service/steward-webhook',
        'NetworkPolicy/steward',
      ].sort(),
    );
  });

  it('puts every namespaced object in steward-system and labels everything as part of steward', () => {
    for (const o of rendered.objects) {
      const where = `${o.kind}/${o.metadata.name}`;
      expect(o.metadata.namespace, where).toBe(CLUSTER_SCOPED.has(o.kind) ? undefined : NAMESPACE);
      expect(o.metadata.labels?.['app.kubernetes.io/part-of'], where).toBe('steward');
    }
  });

  it('ships exactly the CRDs the agent serves, as generated from the schemas', () => {
    for (const { name, spec } of stewardCrds()) {
      expect(one(rendered.objects, 'CustomResourceDefinition', name).spec, name).toEqual(spec);
    }
  });

  it('generates the agent config, which parses and keeps its artifacts on the writable /tmp', () => {
    expect(config.artifactsDir).toBe('/tmp/steward/artifacts');
    const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
    expect(tmp).toBeDefined();
    expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
  });

  it('mounts the generated ConfigMap (hash-suffixed name) where the args point the agent', () => {
    const cm = one(rendered.objects, 'ConfigMap');
    expect(cm.metadata.name).toMatch(/^steward-config-[a-z0-9]{10}$/);
    const args = container.args ?? [];
    expect(args.slice(0, 2)).toEqual(['run', '--config']);
    const file = args[2] ?? '';
    const mount = container.volumeMounts?.find((m) => m.mountPath === dirname(file));
    expect(mount?.readOnly).toBe(true);
    expect(pod.volumes?.find((v) => v.name === mount?.name)?.configMap?.name).toBe(cm.metadata.name);
    expect(file.slice(dirname(file).length + 1)).toBe('steward.yaml');
  });

  it('runs one replica of the placeholder image as the steward service account', () => {
    expect((deployment.spec as { replicas: number }).replicas).toBe(1);
    expect(container.image).toBe('ghcr.io/steward-dev/steward:0.1.0');
    expect(pod.serviceAccountName).toBe('steward');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.terminationGracePeriodSeconds).toBe(30);
  });

  it('probes /healthz and /readyz on the health port, and exposes /metrics on the metrics port', () => {
    expect(config.ports).toEqual({ metrics: 8080, health: 8081, webhook: 9292 });
    const { livenessProbe, readinessProbe, startupProbe } = container;
    expect(livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(startupProbe?.httpGet?.path).toBe('/healthz');
    expect(readinessProbe?.httpGet?.path).toBe('/readyz');
    for (const probe of [livenessProbe, readinessProbe, startupProbe]) {
      expect(resolvePort(container, probe?.httpGet?.port)).toBe(config.ports.health);
    }
    expect(resolvePort(container, 'http-metrics')).toBe(config.ports.metrics);
    expect(resolvePort(container, 'http-webhook')).toBe(config.ports.webhook);
  });

  it('serves the Receiver webhooks through the steward-webhook Service', () => {
    const svc = one(rendered.objects, 'Service', 'steward-webhook');
    const spec = svc.spec as { ports: { name: string; port: number; targetPort: string }[] };
    expect(spec.ports).toEqual([
      expect.objectContaining({ name: 'http-webhook', port: 80, targetPort: 'http-webhook' }),
    ]);
    expect(resolvePort(container, spec.ports[0]?.targetPort)).toBe(config.ports.webhook);
  });

  it('serves the metrics port through the steward-metrics Service', () => {
    const svc = one(rendered.objects, 'Service', 'steward-metrics');
    const spec = svc.spec as {
      selector: Record<string, string>;
      ports: { name: string; port: number; targetPort: string }[];
    };
    expect(spec.ports).toEqual([
      expect.objectContaining({ name: 'http-metrics', port: 8080, targetPort: 'http-metrics' }),
    ]);
    expect(resolvePort(container, spec.ports[0]?.targetPort)).toBe(config.ports.metrics);
    const labels = (deployment.spec as { template: { metadata: { labels: Record<string, string> } } })
      .template.metadata.labels;
    expect(labels).toMatchObject(spec.selector);
  });

  it('admits ingress to the agent on the metrics and webhook ports only', () => {
    const np = one(rendered.objects, 'NetworkPolicy', 'steward');
    const spec = np.spec as {
      podSelector: { matchLabels: Record<string, string> };
      policyTypes: string[];
      ingress: { from?: unknown; ports: { port: string | number }[] }[];
    };
    expect(spec.policyTypes).toEqual(['Ingress']);
    expect(spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'steward' });
    const ports = spec.ingress.flatMap((r) => r.ports.map((p) => resolvePort(container, p.port)));
    expect(ports).toEqual([config.ports.metrics, config.ports.webhook]);
  });

  it('keeps cluster-admin in its own, clearly named binding, and the agent role free of wildcards', () => {
    const bootstrap = one(rendered.objects, 'ClusterRoleBinding', 'steward-bootstrap-cluster-admin');
    expect(bootstrap.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'cluster-admin',
    });
    expect(bootstrap.subjects).toEqual([{ kind: 'ServiceAccount', name: 'steward', namespace: NAMESPACE }]);
    const role = one(rendered.objects, 'ClusterRole', 'steward-controller');
    const rules = role.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    for (const r of rules) expect([...r.apiGroups, ...r.resources, ...r.verbs]).not.toContain('*');
    const leases = one(rendered.objects, 'Role', 'steward-leader-election');
    expect(leases.metadata.namespace).toBe(NAMESPACE);
  });
});
