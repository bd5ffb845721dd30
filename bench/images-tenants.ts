/**
 * The image bench's objects: per tenant a namespace, a kubernetes.io/dockerconfigjson Secret, an ImageRepository
 * of the bench's image and an ImagePolicy choosing from it; and the wait until every one of them is Ready.
 */
import type { KubeObject, SandboxClient } from './cluster.js';
import { createNamespaces, pool, sleep } from './cluster.js';
import type { BenchRegistry } from './images-registry.js';
import { BENCH_PICK, BENCH_RANGE } from './images-registry.js';

const GROUP = '/apis/steward.dev/v1alpha1';

export function tenantNamespace(i: number): string {
  return `tenant-${i}`;
}

export interface TenantsOptions {
  registry: BenchRegistry;
  tenants: number;
  /** Distinct credentials: tenant i logs in with account i mod credentials. */
  credentials: number;
  intervalSeconds: number;
}

/** Creates every tenant's namespace, Secret, ImageRepository and ImagePolicy. */
export async function createTenants(client: SandboxClient, o: TenantsOptions): Promise<void> {
  const indexes = Array.from({ length: o.tenants }, (_, i) => i);
  await createNamespaces(client, indexes.map(tenantNamespace));
  await pool(indexes, 8, async (i) => {
    const ns = tenantNamespace(i);
    const account = o.registry.accounts[i % o.credentials];
    if (account === undefined) throw new Error(`no registry account for credentials ${i % o.credentials}`);
    const config = {
      auths: { [o.registry.host]: { username: account.username, password: account.password } },
    };
    await client.must('POST', `/api/v1/namespaces/${ns}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'registry', namespace: ns },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config)).toString('base64') },
    });
    await client.must('POST', `${GROUP}/namespaces/${ns}/imagerepositories`, {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'ImageRepository',
      metadata: { name: 'app', namespace: ns },
      spec: {
        image: o.registry.image,
        interval: `${o.intervalSeconds}s`,
        secretRef: { name: 'registry' },
        insecure: true,
      },
    });
    await client.must('POST', `${GROUP}/namespaces/${ns}/imagepolicies`, {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'ImagePolicy',
      metadata: { name: 'app', namespace: ns },
      spec: { imageRepositoryRef: { name: 'app' }, policy: { semver: { range: BENCH_RANGE } } },
    });
  });
}

interface Condition {
  type?: string;
  status?: string;
  message?: string;
}

function ready(o: KubeObject): boolean {
  const conditions = (o.status?.conditions ?? []) as Condition[];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

function picked(o: KubeObject): boolean {
  return (o.status?.latestRef as { tag?: string } | undefined)?.tag === BENCH_PICK;
}

/** Why objects are not Ready, for the timeout message: the first message of each kind. */
function why(items: readonly KubeObject[]): string {
  const bad = items.find((o) => !ready(o));
  const c = ((bad?.status?.conditions ?? []) as Condition[]).find((x) => x.type === 'Ready');
  return bad ? `${bad.metadata.namespace}/${bad.metadata.name}: ${c?.message ?? 'no Ready condition'}` : '';
}

/** Resolves once every ImageRepository is Ready and every ImagePolicy picked the expected tag. */
export async function waitTenantsReady(
  client: SandboxClient,
  tenants: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Two small lists every half second: 100 objects, a few kB each, nothing the sandbox notices.
    const repos = (await client.list(`${GROUP}/imagerepositories`)).items;
    const policies = (await client.list(`${GROUP}/imagepolicies`)).items;
    const reposReady = repos.filter(ready).length;
    const policiesReady = policies.filter((p) => ready(p) && picked(p)).length;
    if (reposReady === tenants && policiesReady === tenants) return;
    if (Date.now() > deadline)
      throw new Error(
        `after ${timeoutMs / 1000} s, ${reposReady} of ${tenants} ImageRepositories and ${policiesReady} ` +
          `ImagePolicies were Ready (${why(repos) || why(policies)})`,
      );
    await sleep(500);
  }
}

/** How many ImageRepositories are Ready now. */
export async function readyRepositories(client: SandboxClient): Promise<number> {
  return (await client.list(`${GROUP}/imagerepositories`)).items.filter(ready).length;
}
