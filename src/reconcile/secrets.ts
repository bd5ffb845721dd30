/** Reading credentials and variables from Secrets and ConfigMaps, decoded, never logged. */
import { Reasons, ReconcileError } from '../core/types.js';
import type { KubeClient } from '../kube/index.js';
import { type RegistryAuth, registryAuthFromSecret } from '../sources/oci/index.js';

/** The string values of a Secret (base64-decoded) or ConfigMap, or undefined when it does not exist. */
export async function readData(
  client: KubeClient,
  kind: 'Secret' | 'ConfigMap',
  namespace: string,
  name: string,
): Promise<Record<string, string> | undefined> {
  const obj = await client.get({ group: '', version: 'v1', kind, namespace, name });
  if (!obj) return undefined;
  const out: Record<string, string> = {};
  const data = (obj.data ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string') continue;
    out[k] = kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v;
  }
  if (kind === 'Secret') {
    const stringData = (obj.stringData ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(stringData)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/**
 * Registry credentials for `registry` from the Secret `namespace/name` (a kubernetes.io/dockerconfigjson Secret,
 * or `username`/`password`), read with the agent's identity. Undefined when the Secret holds none for that
 * host; a missing Secret is an AuthenticationFailed error that heals when the Secret appears. An OciError from
 * a docker config that does not parse is passed on for the caller to word.
 */
export async function registryAuthOf(
  client: KubeClient,
  namespace: string,
  name: string,
  registry: string,
  subject: string,
): Promise<RegistryAuth | undefined> {
  const secret = await client.get({ group: '', version: 'v1', kind: 'Secret', namespace, name });
  if (!secret)
    throw new ReconcileError(
      Reasons.AuthenticationFailed,
      'transient',
      `secret '${namespace}/${name}' not found`,
      subject,
    );
  return registryAuthFromSecret(
    {
      ...(typeof secret.type === 'string' ? { type: secret.type } : {}),
      data: (secret.data ?? {}) as Record<string, string>,
    },
    registry,
  );
}

/** registryAuthOf for a Secret that must hold credentials for `registry`: none is an AuthenticationFailed error. */
export async function requireRegistryAuth(
  client: KubeClient,
  namespace: string,
  name: string,
  registry: string,
  subject: string,
): Promise<RegistryAuth> {
  const auth = await registryAuthOf(client, namespace, name, registry, subject);
  if (auth === undefined)
    throw new ReconcileError(
      Reasons.AuthenticationFailed,
      'transient',
      `secret '${namespace}/${name}' holds no credentials for registry ${registry}`,
      subject,
    );
  return auth;
}
