/**
 * Narrows what the YAML parser produced to JSON, the only data model the API server accepts, while bounding
 * nesting depth. Iterative, so a hostile document cannot exhaust the stack.
 */

export type JsonResult = { ok: true; value: unknown } | { ok: false; reason: string };

type Container = Record<string, unknown> | unknown[];

/**
 * Converts in place where YAML has richer types: `!!binary` becomes base64 (what the Kubernetes YAML decoder
 * sends for `[]byte` fields) and `!!timestamp` an RFC 3339 string. NaN, infinities, sets and ordered maps
 * have no JSON form and are refused.
 */
export function toJsonValue(root: unknown, maxDepth: number): JsonResult {
  const boxed: unknown[] = [root];
  const stack: { container: Container; depth: number; path: string }[] = [
    { container: boxed, depth: 0, path: '' },
  ];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { container, depth, path } = top;
    const keys: (string | number)[] = Array.isArray(container)
      ? [...container.keys()]
      : Object.keys(container);
    for (const key of keys) {
      const childPath = depth === 0 ? '' : Array.isArray(container) ? `${path}[${key}]` : `${path}.${key}`;
      const v = (container as Record<string | number, unknown>)[key];
      const converted = convertScalar(v);
      if (converted.ok === false)
        return { ok: false, reason: `${converted.reason} at ${childPath || 'top level'}` };
      (container as Record<string | number, unknown>)[key] = converted.value;
      const value = converted.value;
      if (typeof value === 'object' && value !== null) {
        if (depth + 1 > maxDepth) {
          return {
            ok: false,
            reason: `document nests deeper than ${maxDepth} levels at ${childPath || 'top level'}`,
          };
        }
        stack.push({ container: value as Container, depth: depth + 1, path: childPath });
      }
    }
  }
  return { ok: true, value: boxed[0] };
}

function convertScalar(v: unknown): JsonResult {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return { ok: true, value: v };
  if (typeof v === 'number') {
    return Number.isFinite(v)
      ? { ok: true, value: v }
      : { ok: false, reason: `${v} is not a valid JSON number` };
  }
  if (Array.isArray(v)) return { ok: true, value: v };
  if (v instanceof Uint8Array) return { ok: true, value: Buffer.from(v).toString('base64') };
  if (v instanceof Date) return { ok: true, value: v.toISOString().replace('.000Z', 'Z') };
  if (v instanceof Map || v instanceof Set) {
    return { ok: false, reason: `a YAML ${v instanceof Map ? 'ordered map' : 'set'} has no JSON form` };
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return { ok: true, value: v };
  return { ok: false, reason: `a value of type ${typeof v} has no JSON form` };
}
