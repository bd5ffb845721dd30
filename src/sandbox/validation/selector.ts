/**
 * metav1.LabelSelector: validation (apimachinery pkg/apis/meta/v1/validation ValidateLabelSelector),
 * matching (meta/v1 LabelSelectorAsSelector + labels.Selector.Matches) and rendering in Go field order.
 */
import type { FieldError } from '../errors.js';
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import { isLabelValue, isQualifiedName } from './content.js';
import { validateLabels } from './names.js';
import { asArray, asString, child, forbidden, index, invalidField, required, sortedMap } from './util.js';

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** `ValidateLabelSelector` with AllowInvalidLabelValueInSelector=false, as workload kinds use it. */
export function validateLabelSelector(sel: unknown, path: string): FieldError[] {
  if (!isObj(sel)) return [];
  const errs = validateLabels(sel.matchLabels, child(path, 'matchLabels'));
  asArray(sel.matchExpressions).forEach((raw, i) => {
    const p = index(child(path, 'matchExpressions'), i);
    const expr = isObj(raw) ? raw : {};
    const op = asString(expr.operator);
    const values = asArray(expr.values);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) {
        errs.push(required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) {
        errs.push(
          forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
      }
    } else {
      errs.push(invalidField(child(p, 'operator'), op, 'not a valid selector operator'));
    }
    const k = asString(expr.key);
    for (const msg of isQualifiedName(k)) errs.push(invalidField(child(p, 'key'), k, msg));
    values.forEach((v, j) => {
      const s = asString(v);
      for (const msg of isLabelValue(s)) errs.push(invalidField(index(child(p, 'values'), j), s, msg));
    });
  });
  return errs;
}

/** True when the selector has no requirement at all (`labels.Everything()`). */
export function isEmptySelector(sel: Obj): boolean {
  const ml = isObj(sel.matchLabels) ? Object.keys(sel.matchLabels).length : 0;
  return ml + asArray(sel.matchExpressions).length === 0;
}

/**
 * True when LabelSelectorAsSelector would fail: a bad operator, values that do not fit the operator, or a
 * key or value that labels.NewRequirement rejects.
 */
export function isUnparseableSelector(sel: Obj): boolean {
  const bad = (k: string, values: readonly unknown[]) =>
    isQualifiedName(k).length > 0 || values.some((v) => isLabelValue(asString(v)).length > 0);
  if (isObj(sel.matchLabels) && Object.entries(sel.matchLabels).some(([k, v]) => bad(k, [v]))) return true;
  return asArray(sel.matchExpressions).some((raw) => {
    const e = isObj(raw) ? raw : {};
    const op = asString(e.operator);
    const values = asArray(e.values);
    if (!OPERATORS.has(op) || bad(asString(e.key), values)) return true;
    return (op === 'In' || op === 'NotIn') === (values.length === 0);
  });
}

/**
 * Whether `labels` satisfy the selector. A missing selector selects nothing (`labels.Nothing()`), which is
 * why a Deployment without `spec.selector` also fails the template-labels check.
 */
export function selectorMatches(sel: unknown, labels: unknown): boolean {
  if (!isObj(sel)) return false;
  const have = isObj(labels) ? labels : {};
  if (isObj(sel.matchLabels)) {
    for (const [k, v] of Object.entries(sel.matchLabels)) if (have[k] !== v) return false;
  }
  for (const raw of asArray(sel.matchExpressions)) {
    const e = isObj(raw) ? raw : {};
    const k = asString(e.key);
    const present = Object.hasOwn(have, k);
    const values = asArray(e.values);
    switch (asString(e.operator)) {
      case 'In':
        if (!present || !values.includes(have[k])) return false;
        break;
      case 'NotIn':
        if (present && values.includes(have[k])) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * A LabelSelector as Go's encoding/json prints `*metav1.LabelSelector` in a field error: fields in struct
 * order (matchLabels, matchExpressions), empty ones omitted, map keys sorted.
 */
export function renderLabelSelector(sel: unknown): unknown {
  if (!isObj(sel)) return null;
  const out: Obj = {};
  if (isObj(sel.matchLabels) && Object.keys(sel.matchLabels).length > 0)
    out.matchLabels = sortedMap(sel.matchLabels);
  const exprs = asArray(sel.matchExpressions);
  if (exprs.length > 0) {
    out.matchExpressions = exprs.map((raw) => {
      const e = isObj(raw) ? raw : {};
      const r: Obj = { key: asString(e.key), operator: asString(e.operator) };
      if (asArray(e.values).length > 0) r.values = e.values;
      return r;
    });
  }
  return out;
}
