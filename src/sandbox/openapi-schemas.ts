/**
 * Component schemas of the sandbox's OpenAPI v3 documents.
 *
 * Built-in kinds get a loose schema: apiVersion, kind, metadata, the fields their merge Shape names (with
 * the list-type and strategic-merge extensions kubectl's client-side apply reads through
 * apimachinery strategicpatch.PatchMetaFromOpenAPIV3), and `x-kubernetes-preserve-unknown-fields` for
 * everything else. Custom resources embed the CRD version's own schema, as apiextensions-apiserver's
 * openapi builder does (pkg/controller/openapi/builder/builder.go).
 */
import type { Obj, ResourceDef, Shape } from './types.js';
import { isObj } from './types.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
/** `#/components/schemas/<name>` */
export function ref(name: string): Obj {
  return { $ref: `#/components/schemas/${name}` };
}

function gvk(group: string, version: string, kind: string): Obj {
  return { group, kind, version };
}

/**
 * Component name of a kind: `io.k8s.api.apps.v1.Deployment` for built-ins (Go package path), the
 * reversed group for custom resources (`com.example.stable.v1.CronTab`, apiextensions-apiserver
 * pkg/controller/openapi/util ToRESTFriendlyName).
 */
export function schemaName(def: Pick<ResourceDef, 'group' | 'version' | 'crd'>, kind: string): string {
  if (def.crd) return `${def.group.split('.').reverse().join('.')}.${def.version}.${kind}`;
  if (def.group === 'apiextensions.k8s.io') {
    return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${def.version}.${kind}`;
  }
  const pkg = def.group === '' ? 'core' : (def.group.split('.')[0] ?? def.group);
  return `io.k8s.api.${pkg}.${def.version}.${kind}`;
}

/** Component name of autoscaling/v1 Scale, the body of every scale subresource. */
export const SCALE_SCHEMA_NAME = 'io.k8s.api.autoscaling.v1.Scale';

const str = (description: string): Obj => ({ type: 'string', description });
const int64 = (description: string): Obj => ({ type: 'integer', format: 'int64', description });
const dateTime = (description: string): Obj => ({ type: 'string', format: 'date-time', description });
const stringMap = (description: string): Obj => ({
  type: 'object',
  additionalProperties: { type: 'string', default: '' },
  description,
});

const API_VERSION = str('APIVersion defines the versioned schema of this representation of an object.');
const KIND = str('Kind is a string value representing the REST resource this object represents.');
const OBJECT_META = {
  allOf: [ref(`${META}.ObjectMeta`)],
  default: {},
  description: "Standard object's metadata.",
};
const LIST_META = { allOf: [ref(`${META}.ListMeta`)], default: {}, description: 'Standard list metadata.' };

/**
 * apimachinery meta/v1 schemas the kind schemas refer to, reduced to the fields the sandbox reads. The
 * list-type and patch extensions match the `+listType`/`+patchStrategy` markers in meta/v1 types.go.
 */
export const META_SCHEMAS: Readonly<Record<string, Obj>> = {
  [`${META}.ObjectMeta`]: {
    description: 'ObjectMeta is metadata that all persisted resources must have.',
    type: 'object',
    properties: {
      annotations: stringMap('Annotations is an unstructured key value map stored with a resource.'),
      creationTimestamp: dateTime('The server time when this object was created.'),
      deletionGracePeriodSeconds: int64('Seconds allowed for graceful termination before deletion.'),
      deletionTimestamp: dateTime('RFC 3339 date and time at which this resource will be deleted.'),
      finalizers: {
        type: 'array',
        items: { type: 'string', default: '' },
        description: 'Must be empty before the object is deleted from the registry.',
        'x-kubernetes-list-type': 'set',
        'x-kubernetes-patch-strategy': 'merge',
      },
      generateName: str('Optional prefix the server uses to generate a unique name.'),
      generation: int64('A sequence number representing a specific generation of the desired state.'),
      labels: stringMap('Map of string keys and values that can be used to organize and categorize objects.'),
      managedFields: {
        type: 'array',
        items: { default: {}, allOf: [ref(`${META}.ManagedFieldsEntry`)] },
        description: 'Maps workflow-id and version to the set of fields that are managed by that workflow.',
      },
      name: str('Name must be unique within a namespace.'),
      namespace: str('Namespace defines the space within which each name must be unique.'),
      ownerReferences: {
        type: 'array',
        items: { default: {}, allOf: [ref(`${META}.OwnerReference`)] },
        description: 'List of objects depended by this object.',
        'x-kubernetes-list-map-keys': ['uid'],
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-patch-merge-key': 'uid',
        'x-kubernetes-patch-strategy': 'merge',
      },
      resourceVersion: str('An opaque value that represents the internal version of this object.'),
      selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated.'),
      uid: str('UID is the unique in time and space value for this object.'),
    },
  },
  [`${META}.ListMeta`]: {
    description: 'ListMeta describes metadata that synthetic resources must have.',
    type: 'object',
    properties: {
      continue: str('Set when the list was truncated; pass it back to fetch the next page.'),
      remainingItemCount: int64('The number of subsequent items in the list.'),
      resourceVersion: str('The version of the list.'),
      selfLink: str('Deprecated.'),
    },
  },
  [`${META}.OwnerReference`]: {
    description: 'OwnerReference contains enough information to let you identify an owning object.',
    type: 'object',
    required: ['apiVersion', 'kind', 'name', 'uid'],
    properties: {
      apiVersion: str('API version of the referent.'),
      blockOwnerDeletion: { type: 'boolean', description: 'Whether the owner blocks foreground deletion.' },
      controller: {
        type: 'boolean',
        description: 'If true, this reference points to the managing controller.',
      },
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
    },
    'x-kubernetes-map-type': 'atomic',
  },
  [`${META}.ManagedFieldsEntry`]: {
    description: 'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource.',
    type: 'object',
    properties: {
      apiVersion: str('The version of the resource this field set applies to.'),
      fieldsType: str('The discriminator for the different fields format and version.'),
      fieldsV1: { type: 'object', description: 'The field set in FieldsV1 format.' },
      manager: str('An identifier of the workflow managing these fields.'),
      operation: str('The type of operation which lead to this entry: Apply or Update.'),
      subresource: str('The name of the subresource used to update the object.'),
      time: dateTime('The timestamp of when the entry was last changed.'),
    },
  },
  [`${META}.Patch`]: {
    description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    type: 'object',
  },
  [`${META}.Preconditions`]: {
    description: 'Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.',
    type: 'object',
    properties: {
      resourceVersion: str('Specifies the target ResourceVersion.'),
      uid: str('Specifies the target UID.'),
    },
  },
  [`${META}.DeleteOptions`]: {
    description: 'DeleteOptions may be provided when deleting an API object.',
    type: 'object',
    properties: {
      apiVersion: API_VERSION,
      dryRun: { type: 'array', items: { type: 'string', default: '' }, description: 'Dry-run directives.' },
      gracePeriodSeconds: int64('The duration in seconds before the object should be deleted.'),
      kind: KIND,
      orphanDependents: { type: 'boolean', description: 'Deprecated: use propagationPolicy.' },
      preconditions: {
        allOf: [ref(`${META}.Preconditions`)],
        description: 'Must be fulfilled before deletion.',
      },
      propagationPolicy: str(
        'Whether and how garbage collection will be performed: Orphan, Background or Foreground.',
      ),
    },
    'x-kubernetes-group-version-kind': [gvk('', 'v1', 'DeleteOptions')],
  },
  [`${META}.StatusCause`]: {
    description: 'StatusCause provides more information about an api.Status failure.',
    type: 'object',
    properties: {
      field: str('The field of the resource that caused the error.'),
      message: str('Description.'),
      reason: str('Machine-readable reason.'),
    },
  },
  [`${META}.StatusDetails`]: {
    description: 'StatusDetails is a set of additional properties that MAY be set by the server.',
    type: 'object',
    properties: {
      causes: {
        type: 'array',
        items: { default: {}, allOf: [ref(`${META}.StatusCause`)] },
        description: 'Causes.',
      },
      group: str('The group attribute of the resource.'),
      kind: str('The kind attribute of the resource.'),
      name: str('The name attribute of the resource.'),
      retryAfterSeconds: {
        type: 'integer',
        format: 'int32',
        description: 'Seconds to wait before retrying.',
      },
      uid: str('UID of the resource.'),
    },
  },
  [`${META}.Status`]: {
    description: 'Status is a return value for calls that do not return other objects.',
    type: 'object',
    properties: {
      apiVersion: API_VERSION,
      code: { type: 'integer', format: 'int32', description: 'Suggested HTTP return code for this status.' },
      details: {
        allOf: [ref(`${META}.StatusDetails`)],
        description: 'Extended data associated with the reason.',
      },
      kind: KIND,
      message: str('A human-readable description of the status of this operation.'),
      metadata: LIST_META,
      reason: str('A machine-readable description of why this operation is in the "Failure" status.'),
      status: str('Status of the operation. One of: "Success" or "Failure".'),
    },
    'x-kubernetes-group-version-kind': [gvk('', 'v1', 'Status')],
  },
};

/** autoscaling/v1 Scale, served by every scale subresource. */
export const SCALE_SCHEMA: Obj = {
  description: 'Scale represents a scaling request for a resource.',
  type: 'object',
  properties: {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: OBJECT_META,
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer', format: 'int32', description: 'Desired number of instances.' },
      },
    },
    status: {
      type: 'object',
      required: ['replicas'],
      properties: {
        replicas: { type: 'integer', format: 'int32', description: 'Actual number of observed instances.' },
        selector: str('Label query over pods that should match the replicas count.'),
      },
    },
  },
  'x-kubernetes-group-version-kind': [gvk('autoscaling', 'v1', 'Scale')],
};

/**
 * A merge Shape as a schema. A Shape with a listType is a list; one with only `elem` is a map with
 * arbitrary keys; one with fields is a struct whose unnamed fields are preserved. Map lists carry both the
 * structured-merge-diff extensions and the strategic-merge ones, merging on the first key like the
 * `patchMergeKey` markers of k8s.io/api (containers: name, ports: containerPort, …).
 */
export function shapeSchema(shape: Shape): Obj {
  if (shape.listType !== undefined || shape.keys !== undefined) {
    const s: Obj = { type: 'array', items: shapeSchema(shape.elem ?? {}) };
    const listType = shape.listType ?? 'map';
    s['x-kubernetes-list-type'] = listType;
    if (listType === 'map' && shape.keys?.length) {
      s['x-kubernetes-list-map-keys'] = [...shape.keys];
      s['x-kubernetes-patch-merge-key'] = shape.keys[0];
    }
    if (listType !== 'atomic') s['x-kubernetes-patch-strategy'] = 'merge';
    return s;
  }
  if (shape.fields === undefined && shape.elem === undefined) {
    return shape.atomic
      ? { type: 'object', 'x-kubernetes-map-type': 'atomic', 'x-kubernetes-preserve-unknown-fields': true }
      : {};
  }
  const s: Obj = { type: 'object' };
  if (shape.fields) {
    s.properties = Object.fromEntries(Object.entries(shape.fields).map(([k, v]) => [k, shapeSchema(v)]));
  }
  if (shape.elem) s.additionalProperties = shapeSchema(shape.elem);
  else s['x-kubernetes-preserve-unknown-fields'] = true;
  if (shape.atomic) s['x-kubernetes-map-type'] = 'atomic';
  return s;
}

/** Kinds without spec and status; their data sits at the top level (described by their Shape, if at all). */
const NO_SPEC = new Set([
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Endpoints',
  'Event',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
]);
const LOOSE_OBJECT = (description: string): Obj => ({
  type: 'object',
  description,
  'x-kubernetes-preserve-unknown-fields': true,
});

function builtinKindSchema(def: ResourceDef): Obj {
  const props: Obj = { apiVersion: API_VERSION, kind: KIND, metadata: OBJECT_META };
  if (!NO_SPEC.has(def.kind)) {
    props.spec = LOOSE_OBJECT(`Spec defines the desired state of the ${def.kind}.`);
    if (def.kind !== 'Lease')
      props.status = LOOSE_OBJECT(`Status is the most recently observed state of the ${def.kind}.`);
  }
  for (const [k, v] of Object.entries(def.shape.fields ?? {})) {
    if (k === 'metadata' || k === 'apiVersion' || k === 'kind') continue;
    const s = shapeSchema(v);
    const existing = props[k];
    props[k] =
      isObj(existing) && typeof existing.description === 'string'
        ? { ...s, description: existing.description }
        : s;
  }
  return {
    description: `${def.kind} (sandbox schema: fields with merge semantics are described, others preserved).`,
    type: 'object',
    properties: Object.fromEntries(Object.entries(props).sort(([a], [b]) => (a < b ? -1 : 1))),
    'x-kubernetes-preserve-unknown-fields': true,
    'x-kubernetes-group-version-kind': [gvk(def.group, def.version, def.kind)],
  };
}

function crdKindSchema(def: ResourceDef, schema: Obj | undefined): Obj {
  const s: Obj = structuredClone(schema ?? {});
  s.type = 'object';
  const props = isObj(s.properties) ? s.properties : {};
  props.apiVersion = API_VERSION;
  props.kind = KIND;
  props.metadata = OBJECT_META;
  s.properties = props;
  if (schema === undefined || def.crd?.preserveUnknownFields)
    s['x-kubernetes-preserve-unknown-fields'] = true;
  s['x-kubernetes-group-version-kind'] = [gvk(def.group, def.version, def.kind)];
  return s;
}

/** The schema of a kind: the CRD's own for custom resources, a Shape-derived loose one for built-ins. */
export function kindSchema(def: ResourceDef): Obj {
  return def.crd ? crdKindSchema(def, def.crd.schema) : builtinKindSchema(def);
}

/** The `<Kind>List` schema. */
export function listSchema(def: ResourceDef): Obj {
  return {
    description: `${def.listKind} is a list of ${def.kind}.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: API_VERSION,
      items: {
        type: 'array',
        items: { default: {}, allOf: [ref(schemaName(def, def.kind))] },
        description: `List of ${def.plural}.`,
      },
      kind: KIND,
      metadata: LIST_META,
    },
    'x-kubernetes-group-version-kind': [gvk(def.group, def.version, def.listKind)],
  };
}
