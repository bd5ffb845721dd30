/**
 * Server-side apply and managedFields tracking, as pure functions over plain JSON objects. A port of
 * kubernetes-sigs/structured-merge-diff (fieldpath, typed, merge) and of the API server's field manager
 * layers (k8s.io/apimachinery pkg/util/managedfields/internal).
 */
export { type ApplyInput, apply } from './apply.js';
export { type Comparison, compare } from './compare.js';
export { ApplyConflictError, type FieldConflict } from './conflict.js';
export { FieldSet } from './fieldset.js';
export { fieldsOf, stripMeta } from './fieldsof.js';
export { decodeFieldsV1, encodeFieldsV1 } from './fieldsv1.js';
export { isResetManagedFields, managedFieldsWithoutTimes } from './managers.js';
export { merge } from './merge.js';
export {
  fieldElement,
  type KeyField,
  keyElement,
  type Path,
  type PathElement,
  parseElement,
  pathString,
  serializeElement,
} from './path.js';
export type { ZeroShape } from './schema.js';
export { trackUpdate, type UpdateInput } from './track.js';
