/**
 * Descriptors from kubernetes/apimachinery: pkg/runtime (the envelope), pkg/apis/meta/v1 (ObjectMeta, Time,
 * LabelSelector), pkg/util/intstr and pkg/api/resource (`generated.proto` of each). See schemas.ts for `emit`.
 */
import type { MessageDesc } from './schemas.js';
import { bool, bytes, int32, int64, map, msg, msgs, str, strs } from './schemas.js';

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

// --- pkg/runtime/generated.proto ------------------------------------------------------------------------------

/** runtime.TypeMeta: apiVersion = 1, kind = 2 (note: metav1.TypeMeta numbers them the other way round). */
export const RUNTIME_TYPE_META: MessageDesc = {
  name: 'k8s.io.apimachinery.pkg.runtime.TypeMeta',
  fields: [str(1, 'apiVersion', 'always'), str(2, 'kind', 'always')],
};

/** runtime.Unknown, the envelope after the `k8s\x00` magic (serializer/protobuf/protobuf.go). */
export const RUNTIME_UNKNOWN: MessageDesc = {
  name: 'k8s.io.apimachinery.pkg.runtime.Unknown',
  fields: [
    msg(1, 'typeMeta', RUNTIME_TYPE_META),
    bytes(2, 'raw', 'always'),
    str(3, 'contentEncoding', 'always'),
    str(4, 'contentType', 'always'),
  ],
};

// --- pkg/apis/meta/v1/generated.proto -------------------------------------------------------------------------

/** metav1.Time, an RFC 3339 string in JSON. */
export const TIME: MessageDesc = {
  name: `${META}.Time`,
  fields: [int64(1, 'seconds', 'always'), int32(2, 'nanos', 'always')],
  render: 'time',
};

const FIELDS_V1: MessageDesc = { name: `${META}.FieldsV1`, fields: [bytes(1, 'Raw')], render: 'rawJson' };

const OWNER_REFERENCE: MessageDesc = {
  name: `${META}.OwnerReference`,
  fields: [
    str(5, 'apiVersion', 'always'),
    str(1, 'kind', 'always'),
    str(3, 'name', 'always'),
    str(4, 'uid', 'always'),
    bool(6, 'controller', 'pointer'),
    bool(7, 'blockOwnerDeletion', 'pointer'),
  ],
};

const MANAGED_FIELDS_ENTRY: MessageDesc = {
  name: `${META}.ManagedFieldsEntry`,
  fields: [
    str(1, 'manager'),
    str(2, 'operation'),
    str(3, 'apiVersion'),
    msg(4, 'time', TIME, 'pointer'),
    str(6, 'fieldsType'),
    msg(7, 'fieldsV1', FIELDS_V1, 'pointer'),
    str(8, 'subresource'),
  ],
};

/** metav1.ObjectMeta. */
export const OBJECT_META: MessageDesc = {
  name: `${META}.ObjectMeta`,
  fields: [
    str(1, 'name'),
    str(2, 'generateName'),
    str(3, 'namespace'),
    str(4, 'selfLink'),
    str(5, 'uid'),
    str(6, 'resourceVersion'),
    int64(7, 'generation'),
    msg(8, 'creationTimestamp', TIME, 'omitempty'),
    msg(9, 'deletionTimestamp', TIME, 'pointer'),
    int64(10, 'deletionGracePeriodSeconds', 'pointer'),
    map(11, 'labels', 'string'),
    map(12, 'annotations', 'string'),
    msgs(13, 'ownerReferences', OWNER_REFERENCE),
    strs(14, 'finalizers'),
    msgs(17, 'managedFields', MANAGED_FIELDS_ENTRY),
  ],
};

/** metav1.LabelSelectorRequirement and metav1.FieldSelectorRequirement share their shape and numbers. */
export const requirement = (name: string, pkg: string = META): MessageDesc => ({
  name: `${pkg}.${name}`,
  fields: [str(1, 'key', 'always'), str(2, 'operator', 'always'), strs(3, 'values')],
});

/** metav1.LabelSelector. */
export const LABEL_SELECTOR: MessageDesc = {
  name: `${META}.LabelSelector`,
  fields: [
    map(1, 'matchLabels', 'string'),
    msgs(2, 'matchExpressions', requirement('LabelSelectorRequirement')),
  ],
};

// --- pkg/util/intstr/generated.proto, pkg/api/resource/generated.proto ----------------------------------------

/** intstr.IntOrString: a number when type = 0 (Int), a string when type = 1 (String). */
export const INT_OR_STRING: MessageDesc = {
  name: 'k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  fields: [int64(1, 'type', 'always'), int32(2, 'intVal', 'always'), str(3, 'strVal', 'always')],
  render: 'intOrString',
};

/** resource.Quantity: its string, which Go writes in canonical form (quantity_proto.go). */
export const QUANTITY: MessageDesc = {
  name: 'k8s.io.apimachinery.pkg.api.resource.Quantity',
  fields: [str(1, 'string', 'pointer')],
  render: 'quantity',
};
