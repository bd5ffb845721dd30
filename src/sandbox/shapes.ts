/**
 * Merge semantics of the kinds the sandbox serves, from the k8s.io/api markers (`+listType`, `+listMapKey`,
 * `+mapType`, `+structType`, and `patchStrategy:"merge"` with `patchMergeKey`, which kube-openapi's schemaconv
 * turns into list maps and sets when no list type is given); CRD schemas through their `x-kubernetes-*`
 * extensions. Only what merges specially is named: other struct fields stay structs and unmarked lists are
 * atomic (see ssa/schema.ts). Structs marked `zero` are non-pointer Go structs, present in a kind's zero value.
 */
import type { ZeroShape } from './ssa/index.js';
import { isObj, type Obj, type Shape } from './types.js';

const stringMap: Shape = { elem: {} };
const atomicList: Shape = { listType: 'atomic' };
const atomicStruct: Shape = { atomic: true };

function struct(fields: Record<string, Shape> = {}): Shape {
  return { fields };
}

/** A non-pointer struct: on create an Update manager owns its fields, not the struct itself. */
function zero(fields: Record<string, Shape> = {}): Shape {
  const s: ZeroShape = { fields, zero: true };
  return s;
}

/** A list without omitempty, written as null in the zero value. */
function zeroList(shape: Shape): Shape {
  const s: ZeroShape = { ...shape, zero: true };
  return s;
}

function listMap(
  keys: readonly string[],
  elem: Shape = struct(),
  keyDefaults?: Record<string, unknown>,
): Shape {
  return keyDefaults ? { listType: 'map', keys, elem, keyDefaults } : { listType: 'map', keys, elem };
}

const byName = (elem: Shape = struct()) => listMap(['name'], elem);
const conditions = listMap(['type']);

/** metav1.ObjectMeta: finalizers a set, ownerReferences keyed by uid, managedFields atomic. */
export const metadataShape: Shape = zero({
  labels: stringMap,
  annotations: stringMap,
  finalizers: { listType: 'set' },
  ownerReferences: listMap(['uid']),
  managedFields: atomicList,
});

/** `shape` with the ObjectMeta shape under `metadata`; a deduced shape stays deduced for its other keys. */
export function withMetadata(shape: Shape): Shape {
  const deduced = shape.fields === undefined && shape.elem === undefined;
  return { ...shape, ...(deduced && { elem: {} }), fields: { ...shape.fields, metadata: metadataShape } };
}

const container = struct({
  ports: listMap(['containerPort', 'protocol'], struct(), { protocol: 'TCP' }),
  env: byName(),
  envFrom: atomicList,
  volumeMounts: listMap(['mountPath']),
  volumeDevices: listMap(['devicePath']),
  resources: zero({ limits: stringMap, requests: stringMap, claims: byName() }),
  resizePolicy: atomicList,
});

const podSpec = zero({
  containers: zeroList(byName(container)),
  initContainers: byName(container),
  ephemeralContainers: byName(container),
  volumes: byName(),
  imagePullSecrets: byName(),
  hostAliases: listMap(['ip']),
  topologySpreadConstraints: listMap(['topologyKey', 'whenUnsatisfiable']),
  resourceClaims: byName(),
  schedulingGates: byName(),
  nodeSelector: atomicStruct,
  overhead: stringMap,
  tolerations: atomicList,
  readinessGates: atomicList,
});

/** PodTemplateSpec, shared by the workload kinds and (as its spec) Pod. */
const podTemplate = zero({ metadata: metadataShape, spec: podSpec });

/** The apps kinds: a LabelSelector (atomic), a pod template, and status conditions keyed by type. */
const workload = (spec: Record<string, Shape>) =>
  struct({
    spec: zero({ selector: atomicStruct, template: podTemplate, ...spec }),
    status: zero({ conditions }),
  });

const jobSpec = zero({ selector: atomicStruct, template: podTemplate });

const BUILTIN: Readonly<Record<string, () => Shape>> = {
  '/Namespace': () => struct({ spec: zero({ finalizers: atomicList }), status: zero({ conditions }) }),
  '/ConfigMap': () => struct({ data: stringMap, binaryData: stringMap }),
  '/Secret': () => struct({ data: stringMap, stringData: stringMap }),
  '/Service': () =>
    struct({
      spec: zero({
        ports: listMap(['port', 'protocol'], struct(), { protocol: 'TCP' }),
        selector: atomicStruct,
        clusterIPs: atomicList,
      }),
      status: zero({ loadBalancer: zero(), conditions }),
    }),
  '/ServiceAccount': () => struct({ secrets: byName(), imagePullSecrets: atomicList }),
  '/Pod': () =>
    struct({
      spec: podSpec,
      status: zero({
        conditions,
        podIPs: listMap(['ip']),
        resourceClaimStatuses: byName(),
      }),
    }),
  '/Event': () => struct({ involvedObject: zero(), source: zero() }),
  '/Endpoints': () => struct({ subsets: atomicList }),
  'apps/Deployment': () => workload({ strategy: zero() }),
  'apps/StatefulSet': () => workload({ updateStrategy: zero(), volumeClaimTemplates: atomicList }),
  'apps/DaemonSet': () => workload({ updateStrategy: zero() }),
  'apps/ReplicaSet': () => workload({}),
  'batch/Job': () => struct({ spec: jobSpec, status: zero({ conditions: atomicList }) }),
  'batch/CronJob': () =>
    struct({ spec: zero({ jobTemplate: zero({ metadata: metadataShape, spec: jobSpec }) }), status: zero() }),
  'networking.k8s.io/Ingress': () =>
    struct({ spec: zero({ rules: atomicList, tls: atomicList }), status: zero({ loadBalancer: zero() }) }),
  'networking.k8s.io/NetworkPolicy': () =>
    struct({ spec: zero({ podSelector: atomicStruct, ingress: atomicList, egress: atomicList }) }),
  'rbac.authorization.k8s.io/Role': () => struct({ rules: atomicList }),
  'rbac.authorization.k8s.io/ClusterRole': () => struct({ rules: atomicList }),
  'rbac.authorization.k8s.io/RoleBinding': () => struct({ subjects: atomicList, roleRef: zero() }),
  'rbac.authorization.k8s.io/ClusterRoleBinding': () => struct({ subjects: atomicList, roleRef: zero() }),
  'apiextensions.k8s.io/CustomResourceDefinition': () =>
    struct({
      spec: zero({ names: zero(), versions: atomicList }),
      status: zero({ conditions, acceptedNames: zero(), storedVersions: atomicList }),
    }),
  'autoscaling/HorizontalPodAutoscaler': () =>
    struct({ spec: zero({ scaleTargetRef: zero(), metrics: atomicList }), status: zero({ conditions }) }),
  'policy/PodDisruptionBudget': () =>
    struct({
      spec: zero({ selector: atomicStruct }),
      status: zero({ conditions, disruptedPods: stringMap }),
    }),
  'coordination.k8s.io/Lease': () => struct({ spec: zero() }),
  'events.k8s.io/Event': () => struct({ regarding: zero(), deprecatedSource: zero() }),
};

/**
 * The Shape of a built-in kind's whole object, by API group ('' for core) and Kind. Unknown kinds get the
 * metadata shape and deduced semantics elsewhere.
 */
export function builtinShape(group: string, kind: string): Shape {
  const make = BUILTIN[`${group}/${kind}`];
  return withMetadata(make === undefined ? {} : make());
}

/** One OpenAPI v3 schema node to a Shape (structural schemas: properties, additionalProperties, items). */
function schemaShape(s: Obj): Shape {
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (preserve || embedded) {
    // Unknown fields kept by preserve-unknown-fields are deduced; an embedded object is a resource with metadata.
    const base = objectShape(s);
    const shape: Shape = preserve ? { ...base, elem: base.elem ?? {} } : base;
    return embedded ? withMetadata(shape) : shape;
  }
  if (s.type === 'array' || isObj(s.items)) {
    const elem = isObj(s.items) ? schemaShape(s.items) : undefined;
    const type = s['x-kubernetes-list-type'];
    if (type === 'set') return elem ? { listType: 'set', elem } : { listType: 'set' };
    if (type === 'map') {
      const keys = Array.isArray(s['x-kubernetes-list-map-keys'])
        ? s['x-kubernetes-list-map-keys'].filter((k): k is string => typeof k === 'string')
        : [];
      // Key defaults come from the item schema (smd getAssociativeKeyDefault).
      const props = isObj(s.items) && isObj(s.items.properties) ? s.items.properties : {};
      const defaults = Object.fromEntries(
        keys.flatMap((k) => {
          const p = props[k];
          return isObj(p) && p.default !== undefined ? [[k, p.default]] : [];
        }),
      );
      const shape: Shape = { listType: 'map', keys, ...(elem && { elem }) };
      return Object.keys(defaults).length > 0 ? { ...shape, keyDefaults: defaults } : shape;
    }
    // Lists without x-kubernetes-list-type are atomic (website server-side-apply.md).
    return elem ? { listType: 'atomic', elem } : atomicList;
  }
  if (s.type === 'object' || isObj(s.properties) || isObj(s.additionalProperties)) return objectShape(s);
  return {};
}

function objectShape(s: Obj): Shape {
  const atomic = s['x-kubernetes-map-type'] === 'atomic';
  const fields: Record<string, Shape> = {};
  if (isObj(s.properties)) {
    for (const [k, v] of Object.entries(s.properties)) if (isObj(v)) fields[k] = schemaShape(v);
  }
  const shape: Shape = isObj(s.additionalProperties)
    ? { fields, elem: schemaShape(s.additionalProperties) }
    : { fields };
  return atomic ? { ...shape, atomic: true } : shape;
}

/**
 * The Shape of a custom resource from its CRD version's `openAPIV3Schema`, honouring `x-kubernetes-list-type`
 * (atomic, set, map with `x-kubernetes-list-map-keys`), `x-kubernetes-map-type: atomic` and
 * `x-kubernetes-preserve-unknown-fields` (unknown fields deduced). Without a schema every field is deduced.
 * The metadata shape is always merged in, as the API server adds ObjectMeta to every CRD schema.
 */
export function crdShape(openAPIV3Schema: Obj | undefined): Shape {
  return withMetadata(openAPIV3Schema === undefined ? {} : schemaShape(openAPIV3Schema));
}
