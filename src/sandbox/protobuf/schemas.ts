/**
 * Message descriptors for the kinds the sandbox decodes from Kubernetes protobuf: field number → JSON name and
 * type. Field numbers come from the `generated.proto` files (kubernetes/api core/v1 and authorization/v1,
 * kubernetes/apimachinery pkg/apis/meta/v1 and pkg/runtime); JSON names and `emit` from the json tags of the
 * matching `types.go`. Fields are listed in Go struct order so the decoded object's keys come out in the order
 * encoding/json writes them.
 *
 * Why `emit` exists: the generated (gogo) marshallers write every non-pointer field, zero or not, and pointer
 * fields only when set, so the bytes alone do not say what the JSON form holds. The JSON form is what the same
 * Go struct gives under encoding/json:
 * - `omitempty`: the json tag has omitempty; "", 0, false, empty lists and maps are left out.
 * - `always`: no omitempty, or a struct (omitempty never drops a struct); kept when zero, and filled with Go's zero
 *   value when missing from the wire ("" / 0 / false / `{}` for a message, `null` for a list or map).
 * - `pointer`: a pointer in Go; present only when on the wire, and then kept even when zero (`immutable: false`).
 * A metav1.Time is left out when zero whatever its tag: kubectl 1.36 sends no `creationTimestamp: null`.
 */

/** How a decoded value reaches the JSON object; see the module comment. */
export type Emit = 'omitempty' | 'always' | 'pointer';

/** Scalar protobuf types. `bytes` becomes base64 in JSON, as encoding/json writes a []byte. */
export type ScalarType = 'string' | 'bytes' | 'int32' | 'int64' | 'bool';

interface FieldBase {
  /** Protobuf field number. */
  readonly num: number;
  /** JSON property name. */
  readonly json: string;
  readonly emit: Emit;
  /** A repeated field: one wire value per item, a JSON array. */
  readonly repeated?: boolean;
}

/** One field of a message. */
export type FieldDesc =
  | (FieldBase & { readonly type: ScalarType })
  | (FieldBase & { readonly type: 'message'; readonly message: MessageDesc })
  /** `map<string, V>`: repeated entries with key = 1, value = 2, a JSON object. */
  | (FieldBase & { readonly type: 'map'; readonly value: 'string' | 'bytes' });

/** One protobuf message. */
export interface MessageDesc {
  /** Full proto name, for error messages. */
  readonly name: string;
  readonly fields: readonly FieldDesc[];
  /**
   * Messages whose JSON form is not an object: metav1.Time (seconds = 1, nanos = 2) is an RFC 3339 string;
   * metav1.FieldsV1 (Raw = 1) is the JSON document its bytes hold.
   */
  readonly render?: 'time' | 'rawJson';
}

/** A maker of scalar fields of one type; most fields are omitempty strings. */
function scalar(type: ScalarType) {
  return (num: number, json: string, emit: Emit = 'omitempty'): FieldDesc => ({ num, json, emit, type });
}
const str = scalar('string');
const bytes = scalar('bytes');
const bool = scalar('bool');
const int32 = scalar('int32');
const int64 = scalar('int64');

/** A repeated string field. */
function strs(num: number, json: string, emit: Emit = 'omitempty'): FieldDesc {
  return { num, json, emit, type: 'string', repeated: true };
}

/** A message field; non-pointer structs are always in the JSON, so `always` is the default. */
function msg(num: number, json: string, message: MessageDesc, emit: Emit = 'always'): FieldDesc {
  return { num, json, emit, type: 'message', message };
}

/** A repeated message field. */
function msgs(num: number, json: string, message: MessageDesc, emit: Emit = 'omitempty'): FieldDesc {
  return { num, json, emit, type: 'message', message, repeated: true };
}

/** A `map<string, V>`; every map in these kinds is omitempty. */
function map(num: number, json: string, value: 'string' | 'bytes'): FieldDesc {
  return { num, json, emit: 'omitempty', type: 'map', value };
}

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const CORE = 'k8s.io.api.core.v1';
const AUTHZ = 'k8s.io.api.authorization.v1';

// --- apimachinery pkg/runtime/generated.proto -----------------------------------------------------------------

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

// --- apimachinery pkg/apis/meta/v1/generated.proto ------------------------------------------------------------

const TIME: MessageDesc = {
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

const OBJECT_META: MessageDesc = {
  name: `${META}.ObjectMeta`,
  fields: [
    str(1, 'name'),
    str(2, 'generateName'),
    str(3, 'namespace'),
    str(4, 'selfLink'),
    str(5, 'uid'),
    str(6, 'resourceVersion'),
    int64(7, 'generation'),
    msg(8, 'creationTimestamp', TIME),
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
const requirement = (name: string): MessageDesc => ({
  name: `${META}.${name}`,
  fields: [str(1, 'key', 'always'), str(2, 'operator', 'always'), strs(3, 'values')],
});

// --- api core/v1/generated.proto ------------------------------------------------------------------------------

const NAMESPACE_CONDITION: MessageDesc = {
  name: `${CORE}.NamespaceCondition`,
  fields: [
    str(1, 'type', 'always'),
    str(2, 'status', 'always'),
    msg(4, 'lastTransitionTime', TIME),
    str(5, 'reason'),
    str(6, 'message'),
  ],
};

/** The top-level message of a kind the sandbox decodes. */
export const NAMESPACE: MessageDesc = {
  name: `${CORE}.Namespace`,
  fields: [
    msg(1, 'metadata', OBJECT_META),
    msg(2, 'spec', { name: `${CORE}.NamespaceSpec`, fields: [strs(1, 'finalizers')] }),
    msg(3, 'status', {
      name: `${CORE}.NamespaceStatus`,
      fields: [str(1, 'phase'), msgs(2, 'conditions', NAMESPACE_CONDITION)],
    }),
  ],
};

/** The top-level message of a kind the sandbox decodes. */
export const CONFIG_MAP: MessageDesc = {
  name: `${CORE}.ConfigMap`,
  fields: [
    msg(1, 'metadata', OBJECT_META),
    bool(4, 'immutable', 'pointer'),
    map(2, 'data', 'string'),
    map(3, 'binaryData', 'bytes'),
  ],
};

/** The top-level message of a kind the sandbox decodes. */
export const SECRET: MessageDesc = {
  name: `${CORE}.Secret`,
  fields: [
    msg(1, 'metadata', OBJECT_META),
    bool(5, 'immutable', 'pointer'),
    map(2, 'data', 'bytes'),
    map(4, 'stringData', 'string'),
    str(3, 'type'),
  ],
};

const OBJECT_REFERENCE: MessageDesc = {
  name: `${CORE}.ObjectReference`,
  fields: [
    str(1, 'kind'),
    str(2, 'namespace'),
    str(3, 'name'),
    str(4, 'uid'),
    str(5, 'apiVersion'),
    str(6, 'resourceVersion'),
    str(7, 'fieldPath'),
  ],
};

/** The top-level message of a kind the sandbox decodes. */
export const SERVICE_ACCOUNT: MessageDesc = {
  name: `${CORE}.ServiceAccount`,
  fields: [
    msg(1, 'metadata', OBJECT_META),
    msgs(2, 'secrets', OBJECT_REFERENCE),
    msgs(3, 'imagePullSecrets', { name: `${CORE}.LocalObjectReference`, fields: [str(1, 'name')] }),
    bool(4, 'automountServiceAccountToken', 'pointer'),
  ],
};

// --- api authorization/v1/generated.proto ---------------------------------------------------------------------

const selectorAttributes = (name: string, requirements: MessageDesc): MessageDesc => ({
  name: `${AUTHZ}.${name}`,
  fields: [str(1, 'rawSelector'), msgs(2, 'requirements', requirements)],
});
const FIELD_SELECTOR = selectorAttributes('FieldSelectorAttributes', requirement('FieldSelectorRequirement'));
const LABEL_SELECTOR = selectorAttributes('LabelSelectorAttributes', requirement('LabelSelectorRequirement'));

const RESOURCE_ATTRIBUTES: MessageDesc = {
  name: `${AUTHZ}.ResourceAttributes`,
  fields: [
    str(1, 'namespace'),
    str(2, 'verb'),
    str(3, 'group'),
    str(4, 'version'),
    str(5, 'resource'),
    str(6, 'subresource'),
    str(7, 'name'),
    msg(8, 'fieldSelector', FIELD_SELECTOR, 'pointer'),
    msg(9, 'labelSelector', LABEL_SELECTOR, 'pointer'),
  ],
};

const NON_RESOURCE_ATTRIBUTES: MessageDesc = {
  name: `${AUTHZ}.NonResourceAttributes`,
  fields: [str(1, 'path'), str(2, 'verb')],
};

const SELF_SUBJECT_ACCESS_REVIEW_SPEC: MessageDesc = {
  name: `${AUTHZ}.SelfSubjectAccessReviewSpec`,
  fields: [
    msg(1, 'resourceAttributes', RESOURCE_ATTRIBUTES, 'pointer'),
    msg(2, 'nonResourceAttributes', NON_RESOURCE_ATTRIBUTES, 'pointer'),
  ],
};

const SUBJECT_ACCESS_REVIEW_STATUS: MessageDesc = {
  name: `${AUTHZ}.SubjectAccessReviewStatus`,
  fields: [bool(1, 'allowed', 'always'), bool(4, 'denied'), str(2, 'reason'), str(3, 'evaluationError')],
};

/** The top-level message of a kind the sandbox decodes. */
export const SELF_SUBJECT_ACCESS_REVIEW: MessageDesc = {
  name: `${AUTHZ}.SelfSubjectAccessReview`,
  fields: [
    msg(1, 'metadata', OBJECT_META),
    msg(2, 'spec', SELF_SUBJECT_ACCESS_REVIEW_SPEC),
    msg(3, 'status', SUBJECT_ACCESS_REVIEW_STATUS),
  ],
};

const RESOURCE_RULE: MessageDesc = {
  name: `${AUTHZ}.ResourceRule`,
  fields: [strs(1, 'verbs', 'always'), strs(2, 'apiGroups'), strs(3, 'resources'), strs(4, 'resourceNames')],
};

const NON_RESOURCE_RULE: MessageDesc = {
  name: `${AUTHZ}.NonResourceRule`,
  fields: [strs(1, 'verbs', 'always'), strs(2, 'nonResourceURLs')],
};

const SUBJECT_RULES_REVIEW_STATUS: MessageDesc = {
  name: `${AUTHZ}.SubjectRulesReviewStatus`,
  fields: [
    msgs(1, 'resourceRules', RESOURCE_RULE, 'always'),
    msgs(2, 'nonResourceRules', NON_RESOURCE_RULE, 'always'),
    bool(3, 'incomplete', 'always'),
    str(4, 'evaluationError'),
  ],
};

/** The top-level message of a kind the sandbox decodes. */
export const SELF_SUBJECT_RULES_REVIEW: MessageDesc = {
  name: `${AUTHZ}.SelfSubjectRulesReview`,
  fields: [
    msg(1, 'metadata', OBJECT_META),
    msg(2, 'spec', { name: `${AUTHZ}.SelfSubjectRulesReviewSpec`, fields: [str(1, 'namespace')] }),
    msg(3, 'status', SUBJECT_RULES_REVIEW_STATUS),
  ],
};
