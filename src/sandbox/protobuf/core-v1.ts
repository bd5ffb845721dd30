/**
 * Descriptors from kubernetes/api core/v1/generated.proto for the small core kinds kubectl creates as protobuf
 * (`create namespace|configmap|secret generic|serviceaccount`). Pods live in pod.ts. See schemas.ts for `emit`.
 */
import { OBJECT_META, TIME } from './meta.js';
import type { MessageDesc } from './schemas.js';
import { bool, map, msg, msgs, str, strs } from './schemas.js';

/** The proto package of core/v1. */
export const CORE = 'k8s.io.api.core.v1';

const NAMESPACE_CONDITION: MessageDesc = {
  name: `${CORE}.NamespaceCondition`,
  fields: [
    str(1, 'type', 'always'),
    str(2, 'status', 'always'),
    msg(4, 'lastTransitionTime', TIME, 'omitempty'),
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

/** core/v1 ObjectReference. */
export const OBJECT_REFERENCE: MessageDesc = {
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

/** core/v1 LocalObjectReference. */
export const LOCAL_OBJECT_REFERENCE: MessageDesc = {
  name: `${CORE}.LocalObjectReference`,
  fields: [str(1, 'name')],
};

/** The top-level message of a kind the sandbox decodes. */
export const SERVICE_ACCOUNT: MessageDesc = {
  name: `${CORE}.ServiceAccount`,
  fields: [
    msg(1, 'metadata', OBJECT_META),
    msgs(2, 'secrets', OBJECT_REFERENCE),
    msgs(3, 'imagePullSecrets', LOCAL_OBJECT_REFERENCE),
    bool(4, 'automountServiceAccountToken', 'pointer'),
  ],
};
