/** Reading credentials and variables from Secrets and ConfigMaps, decoded, never logged. */
import type { KubeClient } from '../kube/index.js';

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
