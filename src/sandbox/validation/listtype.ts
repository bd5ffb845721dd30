/**
 * Uniqueness of `x-kubernetes-list-type: set` items and `map` keys, from apiextensions-apiserver
 * pkg/apiserver/schema/listtype/validation.go. Paths are field.Path ones: `spec.ports[1]`, `spec.m[key]`.
 */
import type { FieldError } from '../errors.js';
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import { asArray, duplicate, index, invalidField, key, sortedMap } from './util.js';

/** listtype.validateListSet: indexes of the second occurrence of each repeated value. */
function nonUnique(values: readonly unknown[]): number[] {
  const seen = new Map<string, number>();
  const out: number[] = [];
  values.forEach((x, i) => {
    const k = JSON.stringify(isObj(x) ? sortedMap(x) : x);
    const times = seen.get(k) ?? 0;
    if (times === 1) out.push(i);
    seen.set(k, times + 1);
  });
  return out;
}

function listTypes(v: unknown, s: Obj, path: string, errs: FieldError[]): void {
  if (Array.isArray(v)) {
    const lt = s['x-kubernetes-list-type'];
    if (lt === 'set') {
      for (const i of nonUnique(v)) errs.push(duplicate(index(path, i), v[i]));
    } else if (lt === 'map') {
      const bad = v.findIndex((x) => x !== null && !isObj(x));
      if (bad >= 0) {
        errs.push(invalidField(index(path, bad), v[bad], 'must be an object for an array of list-type map'));
      } else {
        const keyFields = asArray(s['x-kubernetes-list-map-keys']).filter(
          (k): k is string => typeof k === 'string',
        );
        const keys = v.map((x) => {
          const out: Obj = {};
          for (const k of keyFields) if (isObj(x) && Object.hasOwn(x, k)) out[k] = x[k];
          return sortedMap(out);
        });
        for (const i of nonUnique(keys)) errs.push(duplicate(index(path, i), keys[i]));
      }
    }
    if (isObj(s.items)) {
      const items = s.items;
      v.forEach((x, i) => {
        listTypes(x, items, index(path, i), errs);
      });
    }
    return;
  }
  if (!isObj(v)) return;
  const props = isObj(s.properties) ? s.properties : {};
  if (isObj(s.additionalProperties)) {
    const ap = s.additionalProperties;
    for (const [k, x] of Object.entries(v)) listTypes(x, ap, key(path, k), errs);
  }
  for (const [k, x] of Object.entries(v)) {
    const ps = props[k];
    if (isObj(ps)) listTypes(x, ps, path === '' ? k : `${path}.${k}`, errs);
  }
}

/** All list-type violations in a custom resource. */
export function validateListTypes(obj: Obj, schema: Obj): FieldError[] {
  const errs: FieldError[] = [];
  listTypes(obj, schema, '', errs);
  return errs;
}
