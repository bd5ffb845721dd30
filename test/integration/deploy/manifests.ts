/** deploy/ as `kubectl kustomize` renders it, with typed lookups for the deploy tests. */
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import { crds } from '../../../src/api/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEPLOY_DIR = fileURLToPath(new URL('../../../deploy/', import.meta.url));
export const NAMESPACE = 'steward-system';
export const SERVICE_ACCOUNT = `system:serviceaccount:${NAMESPACE}:steward`;

export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface Rendered {
  /** The multi-document YAML exactly as kubectl printed it. */
  yaml: string;
  objects: RenderedObject[];
}

/** Renders deploy/ with the real `kubectl kustomize`, as `kubectl apply -k deploy/` would. */
export async function renderDeploy(): Promise<Rendered> {
  const { stdout } = await execa('kubectl', ['kustomize', DEPLOY_DIR], { timeout: 30_000 });
  const objects = parseAllDocuments(stdout)
    .map((d) => d.toJS() as RenderedObject | null)
    .filter((o): o is RenderedObject => o !== null);
  return { yaml: stdout, objects };
}

/** The one rendered object of `kind` (and `name` when given); throws when there is not exactly one. */
export function one(objects: readonly RenderedObject[], kind: string, name?: string): RenderedObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? `/${name}` : ''} in the render, found ${found.length}`);
  }
  return found[0] as RenderedObject;
}

/** The CRDs the agent serves (src/api), by name: what deploy/crds must hold. */
export function stewardCrds(): { name: string; spec: unknown }[] {
  return crds().map((c) => {
    const crd = c as { metadata: { name: string }; spec: unknown };
    return { name: crd.metadata.name, spec: crd.spec };
  });
}

/** Multi-document YAML of the given objects (JSON is YAML), for `kubectl ... -f -`. */
export function toInput(objects: readonly RenderedObject[]): string {
  return objects.map((o) => JSON.stringify(o)).join('\n---\n');
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
}

export interface Probe {
  httpGet?: { path?: string; port?: number | string };
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: ContainerPort[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string }; emptyDir?: Record<string, unknown> }[];
}

/** The pod template of a Deployment object, typed. */
export function podSpec(deployment: RenderedObject): PodSpec {
  return (deployment.spec as { template: { spec: PodSpec } }).template.spec;
}

/** A container port by name or number, as probes and Services refer to them. */
export function resolvePort(container: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}
