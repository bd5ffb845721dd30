/**
 * ObjectMeta validation on create (apimachinery pkg/api/validation/objectmeta.go ValidateObjectMetaAccessor)
 * and the per-kind name rules (apimachinery pkg/api/validation/generic.go; the `Validate*Name` functions
 * of kubernetes pkg/apis/{core,apps,rbac}/validation).
 */
import type { FieldError } from '../errors.js';
import { isObj } from '../types.js';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isLabelValue,
  isPathSegmentName,
  isPathSegmentPrefix,
  isQualifiedName,
} from './content.js';
import { child, forbidden, invalidField, nonNegative, required, tooLong } from './util.js';

/**
 * How an object's name is checked:
 * - `subdomain`: DNS-1123 subdomain (`NameIsDNSSubdomain`), the rule of most kinds and of custom resources
 * - `label`: DNS-1123 label (`NameIsDNSLabel`): Namespace, Service (RelaxedServiceNameValidation, on by
 *   default from 1.36), StatefulSet
 * - `label1035`: DNS-1035 label (`NameIsDNS1035Label`), the pre-1.36 Service rule
 * - `pathSegment`: anything but `.`/`..` and without `/` or `%` (`path.ValidatePathSegmentName`): RBAC kinds
 */
export type NameRule = 'subdomain' | 'label' | 'label1035' | 'pathSegment';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The name rule of a kind; custom resources and unknown kinds use `subdomain`. */
export function nameRuleFor(group: string, kind: string): NameRule {
  if (group === RBAC_GROUP) return 'pathSegment';
  if (group === '' && (kind === 'Namespace' || kind === 'Service')) return 'label';
  // apps/validation ValidateStatefulSetName: pods are named <sts>-<ordinal>, so a label.
  if (group === 'apps' && kind === 'StatefulSet') return 'label';
  return 'subdomain';
}

/**
 * The messages of a name rule. `prefix` is true for generateName: a trailing `-` is then allowed.
 * generic.go maskTrailingDash does `name[:len(name)-2] + "a"`, dropping the character before the dash too;
 * the quirk is kept so the same prefixes pass and fail.
 */
export function nameProblems(rule: NameRule, name: string, prefix = false): string[] {
  const n = prefix && name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
  switch (rule) {
    case 'subdomain':
      return isDNS1123Subdomain(n);
    case 'label':
      return isDNS1123Label(n);
    case 'label1035':
      return isDNS1035Label(n);
    case 'pathSegment':
      return prefix ? isPathSegmentPrefix(name) : isPathSegmentName(name);
  }
}

/** `ValidateLabels` (meta/v1/validation): every problem is reported on the map's path itself. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (!isObj(labels)) return [];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const msg of isQualifiedName(k)) errs.push(invalidField(path, k, msg));
    const value = typeof v === 'string' ? v : '';
    for (const msg of isLabelValue(value)) errs.push(invalidField(path, value, msg));
  }
  return errs;
}

/** objectmeta.go TotalAnnotationSizeLimitB. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/**
 * `ValidateAnnotations`: keys are qualified names compared case-insensitively, and keys plus values may not
 * exceed 256 KiB. The size limit is what client-side `kubectl apply` of a big CRD hits through
 * `kubectl.kubernetes.io/last-applied-configuration`.
 */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  if (!isObj(annotations)) return [];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalidField(path, k, msg));
    total += Buffer.byteLength(k, 'utf8') + Buffer.byteLength(typeof v === 'string' ? v : '', 'utf8');
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** `ValidateFinalizers`: qualified names, and not both orphan and foregroundDeletion. */
export function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  if (!Array.isArray(finalizers)) return [];
  const errs: FieldError[] = [];
  for (const f of finalizers) {
    const s = typeof f === 'string' ? f : '';
    for (const msg of isQualifiedName(s)) errs.push(invalidField(path, s, msg));
  }
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalidField(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** Options of {@link validateObjectMeta}. */
export interface ObjectMetaOptions {
  /** The kind is namespaced: metadata.namespace is required, else forbidden. */
  namespaced: boolean;
  /** The rule for metadata.name and metadata.generateName. */
  nameRule: NameRule;
  /** Extra name checks appended after the rule's own (the CRD's `must be spec.names.plural+"."+spec.group`). */
  extraNameCheck?: (name: string) => string[];
}

/**
 * `ValidateObjectMetaAccessor`: validation of metadata on create. Call it after generateName has been turned
 * into a name, as the API server does.
 */
export function validateObjectMeta(obj: unknown, opts: ObjectMetaOptions): FieldError[] {
  const m = isObj(obj) && isObj(obj.metadata) ? obj.metadata : {};
  const path = 'metadata';
  const errs: FieldError[] = [];
  const generateName = typeof m.generateName === 'string' ? m.generateName : '';
  if (generateName) {
    for (const msg of nameProblems(opts.nameRule, generateName, true)) {
      errs.push(invalidField(child(path, 'generateName'), generateName, msg));
    }
  }
  const name = typeof m.name === 'string' ? m.name : '';
  if (name === '') {
    errs.push(required(child(path, 'name'), 'name or generateName is required'));
  } else {
    const problems = [...nameProblems(opts.nameRule, name), ...(opts.extraNameCheck?.(name) ?? [])];
    for (const msg of problems) errs.push(invalidField(child(path, 'name'), name, msg));
  }
  const namespace = typeof m.namespace === 'string' ? m.namespace : '';
  if (opts.namespaced) {
    if (namespace === '') errs.push(required(child(path, 'namespace')));
    else
      for (const msg of isDNS1123Label(namespace))
        errs.push(invalidField(child(path, 'namespace'), namespace, msg));
  } else if (namespace !== '') {
    errs.push(forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  errs.push(...nonNegative(child(path, 'generation'), m.generation));
  errs.push(...validateLabels(m.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(m.annotations, child(path, 'annotations')));
  errs.push(...validateFinalizers(m.finalizers, child(path, 'finalizers')));
  return errs;
}
