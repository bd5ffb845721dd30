/**
 * The kind-specific parts of the write path: strategy PrepareForCreate/Update (defaults, allocations),
 * structural pruning of custom resources, and validation (strategy Validate plus validating admission).
 */
import type { SandboxCore } from './core.js';
import type { FieldError } from './errors.js';
import { badRequest, invalid } from './errors.js';
import type { Obj, ResourceDef } from './types.js';
import { isObj, meta } from './types.js';
import { validateBuiltin } from './validation/builtin.js';
import { applySchemaDefaults, pruneUnknown, validateAgainstSchema } from './validation/crd-schema.js';
import { applyDefaults, generateJobSelector } from './validation/defaults.js';
import { validateUpdate } from './validation/immutable.js';
import { nameRuleFor, validateObjectMeta } from './validation/names.js';
import type { WriteOptions } from './write.js';

const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export interface Prepared {
  object: Obj;
  warnings: string[];
}

export function prepareObject(
  core: SandboxCore,
  def: ResourceDef,
  old: Obj | undefined,
  next: Obj,
  opts: WriteOptions,
): Prepared {
  const warnings: string[] = [];
  let out = next;
  if (def.crd) {
    const schema = def.crd.schema;
    if (schema && !def.crd.preserveUnknownFields) {
      const pruned = pruneUnknown(out, schema);
      const unknown = unknownFields(out, pruned, '');
      if (unknown.length > 0 && opts.fieldValidation === 'Strict') {
        const list = unknown.map((f) => `unknown field "${f}"`);
        throw badRequest(
          `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: strict decoding error: ${list.join(', ')}`,
        );
      }
      if (opts.fieldValidation === 'Warn') warnings.push(...unknown.map((f) => `unknown field "${f}"`));
      out = applySchemaDefaults(pruned, schema);
    }
  } else {
    out = applyDefaults(def.group, def.kind, out);
    // The Job strategy generates a uid-based selector on create (kubernetes pkg/registry/batch/job/strategy.go).
    if (def.group === 'batch' && def.kind === 'Job' && !old)
      out = generateJobSelector(out, meta(out).uid ?? '');
  }
  if (def.group === '' && def.plural === 'services') out = allocateClusterIP(core, old, out);
  if (def.group === '' && def.plural === 'namespaces' && !old) {
    out = { ...out, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
  }
  if (def.group === 'apiextensions.k8s.io' && def.plural === 'customresourcedefinitions' && !old) {
    const m = meta(out);
    const finalizers = m.finalizers ?? [];
    if (!finalizers.includes(CRD_CLEANUP_FINALIZER)) {
      out = { ...out, metadata: { ...m, finalizers: [...finalizers, CRD_CLEANUP_FINALIZER] } };
    }
  }
  return { object: out, warnings };
}

export function validateForWrite(
  _core: SandboxCore,
  def: ResourceDef,
  old: Obj | undefined,
  next: Obj,
  opts: WriteOptions,
): void {
  // Admission-time checks (RBAC escalation) come before validation, as the RBAC storage wrappers run first.
  for (const hook of opts.admission ?? []) {
    const err = hook({ def, old, next, user: opts.user, subresource: opts.subresource });
    if (err) throw err;
  }
  const name = meta(next).name ?? '';
  const errs: FieldError[] = [];
  if (def.crd) {
    errs.push(
      ...validateObjectMeta(next, { namespaced: def.namespaced, nameRule: nameRuleFor(def.group, def.kind) }),
    );
    if (def.crd.schema) errs.push(...validateAgainstSchema(next, def.crd.schema));
  } else {
    // validateBuiltin checks ObjectMeta itself, as each kind's Validate does.
    errs.push(...validateBuiltin(def.group, def.kind, next));
  }
  if (old) errs.push(...validateUpdate(def.group, def.kind, old, next));
  if (errs.length > 0) throw invalid({ group: def.group, kind: def.kind }, name, errs);
}

/** Paths present in `before` and gone from `after` (the fields pruning removed), dotted like the apiserver prints them. */
function unknownFields(before: unknown, after: unknown, prefix: string): string[] {
  if (!isObj(before)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(before)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (!isObj(after) || !(k in after)) out.push(path);
    else if (isObj(v)) out.push(...unknownFields(v, after[k], path));
    else if (Array.isArray(v) && Array.isArray(after[k])) {
      const arr = after[k] as unknown[];
      v.forEach((item, i) => {
        out.push(...unknownFields(item, arr[i], `${path}[${i}]`));
      });
    }
  }
  return out;
}

/** Service ClusterIP allocation from 10.96.0.0/12, as the service IP allocator does; headless stays None. */
function allocateClusterIP(core: SandboxCore, old: Obj | undefined, next: Obj): Obj {
  const spec = isObj(next.spec) ? { ...next.spec } : {};
  if (spec.type === 'ExternalName') return next;
  const oldSpec = old && isObj(old.spec) ? old.spec : undefined;
  if (oldSpec?.clusterIP && !spec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
  if (!spec.clusterIP) {
    const used = new Set<string>();
    const svcDef = core.def('', 'services');
    if (svcDef) {
      for (const s of core.list(svcDef)) {
        const ip = isObj(s.spec) ? s.spec.clusterIP : undefined;
        if (typeof ip === 'string') used.add(ip);
      }
    }
    for (let i = 10; i < 65_000; i++) {
      const ip = `10.96.${Math.floor(i / 254)}.${(i % 254) + 1}`;
      if (!used.has(ip)) {
        spec.clusterIP = ip;
        break;
      }
    }
  }
  if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
  return { ...next, spec };
}
