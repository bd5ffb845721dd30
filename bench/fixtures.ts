/**
 * The objects of Flux's published benchmark (fluxcd/flux-benchmark, RESULTS.md): per app a Deployment scaled to
 * zero, a ServiceAccount, a Service and an Ingress, each app in a namespace of its own.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const NAME = 'podinfo';

/**
 * The platform namespace (the config's default lockdown.platformNamespaces) holding the GitRepository and the
 * Syncs: they apply as the agent, each into its app's namespace, as Flux's benchmark runs its Kustomizations
 * from flux-system.
 */
export const PLATFORM_NAMESPACE = 'steward-system';
export const SYNCS = `/apis/steward.dev/v1alpha1/namespaces/${PLATFORM_NAMESPACE}/syncs`;
const FILES = ['deployment.yaml', 'serviceaccount.yaml', 'service.yaml', 'ingress.yaml'] as const;

export function appNamespace(i: number): string {
  return `app-${i}`;
}

/** The four manifests of app `i`; with `namespace` set, each names it (kubectl), else the Sync targets it. */
function appManifests(i: number, namespace?: string): Record<(typeof FILES)[number], string> {
  const ns = namespace ? `\n  namespace: ${namespace}` : '';
  const labels = `app.kubernetes.io/name: ${NAME}\n    app.kubernetes.io/instance: app-${i}`;
  return {
    'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${NAME}${ns}
  labels:
    ${labels}
spec:
  replicas: 0
  selector:
    matchLabels:
      app.kubernetes.io/name: ${NAME}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${NAME}
    spec:
      serviceAccountName: ${NAME}
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.7.1
          ports:
            - name: http
              containerPort: 9898
              protocol: TCP
          resources:
            requests:
              cpu: 10m
              memory: 16Mi
`,
    'serviceaccount.yaml': `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${NAME}${ns}
  labels:
    ${labels}
`,
    'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: ${NAME}${ns}
  labels:
    ${labels}
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: ${NAME}
  ports:
    - name: http
      port: 9898
      protocol: TCP
      targetPort: http
`,
    'ingress.yaml': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${NAME}${ns}
  labels:
    ${labels}
spec:
  rules:
    - host: app-${i}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ${NAME}
                port:
                  name: http
`,
  };
}

/**
 * The Git tree: `apps/app-<i>/` holding the four manifests, and a kustomization.yaml unless `plain` (Flux always
 * runs kustomize, generating a kustomization when a directory has none; Steward reads plain directories itself).
 */
export function gitTree(n: number, plain: boolean): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    for (const [file, text] of Object.entries(appManifests(i))) files[`apps/app-${i}/${file}`] = text;
    if (!plain)
      files[`apps/app-${i}/kustomization.yaml`] = `resources:\n${FILES.map((f) => `  - ${f}\n`).join('')}`;
  }
  return files;
}

/** The same objects for `kubectl apply -f DIR --recursive`: namespaces set, no kustomization files. */
export async function writeKubectlTree(root: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const dir = join(root, `app-${i}`);
    await mkdir(dir, { recursive: true });
    for (const [file, text] of Object.entries(appManifests(i, appNamespace(i)))) {
      await writeFile(join(dir, file), text);
    }
  }
}
