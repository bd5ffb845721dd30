/**
 * Lenient readers over an unstructured object, in the manner of kstatus `GetIntField` / `GetStringField`
 * (kubernetes-sigs/cli-utils `pkg/kstatus/status/util.go`): a missing field or one of the wrong type
 * reads as the default, because a half-written status is normal while a controller catches up and must
 * never make health evaluation throw.
 */

/** An object as read from the API server: plain JSON. */
export type KubeObject = Record<string, unknown>;

/** A status condition; only the fields health evaluation reads. */
export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
}

/** A JSON object, not an array or null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a dotted path, or undefined when any step is missing or not an object. */
export function field(obj: KubeObject, path: string): unknown {
  let current: unknown = obj;
  for (const key of path.split('.')) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** An integer field; non-integers (including numeric strings) read as the default, as in kstatus. */
export function int(obj: KubeObject, path: string, fallback: number): number {
  const value = field(obj, path);
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}

/** An integer field, or undefined when absent or not an integer. */
export function optionalInt(obj: KubeObject, path: string): number | undefined {
  const value = field(obj, path);
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

export function str(obj: KubeObject, path: string, fallback: string): string {
  const value = field(obj, path);
  return typeof value === 'string' ? value : fallback;
}

/** `status.conditions`, skipping entries without a string `type`. */
export function conditions(obj: KubeObject): Condition[] {
  const raw = field(obj, 'status.conditions');
  if (!Array.isArray(raw)) return [];
  const out: Condition[] = [];
  for (const item of raw) {
    if (!isRecord(item) || typeof item.type !== 'string') continue;
    const condition: Condition = {
      type: item.type,
      status: typeof item.status === 'string' ? item.status : '',
      reason: typeof item.reason === 'string' ? item.reason : '',
      message: typeof item.message === 'string' ? item.message : '',
    };
    if (typeof item.observedGeneration === 'number') condition.observedGeneration = item.observedGeneration;
    out.push(condition);
  }
  return out;
}

/** The first condition of a type; controllers keep one per type, so the first is the one. */
export function condition(obj: KubeObject, type: string): Condition | undefined {
  return conditions(obj).find((c) => c.type === type);
}

/** `<group>/<kind>`, or just `<kind>` for the core group: the key kstatus dispatches on. */
export function groupKind(obj: KubeObject): string {
  const apiVersion = str(obj, 'apiVersion', '');
  const kind = str(obj, 'kind', '');
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? kind : `${apiVersion.slice(0, slash)}/${kind}`;
}

/** `<Kind> <namespace>/<name>`, or `<Kind> <name>` when cluster-scoped: how every message names its object. */
export function displayName(obj: KubeObject): string {
  const kind = str(obj, 'kind', 'Object');
  const name = str(obj, 'metadata.name', '');
  const namespace = str(obj, 'metadata.namespace', '');
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}
