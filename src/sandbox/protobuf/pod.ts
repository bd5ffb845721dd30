/**
 * core/v1 PodTemplateSpec, PodSpec and Container (kubernetes/api core/v1/generated.proto): the part of a pod that
 * `kubectl create deployment|job|cronjob` can send (containers with image, command, args, ports, env, resources,
 * the pod's scalar settings and security context). Fields left out (volumes, probes, container security contexts,
 * affinity, tolerations, ...) are not dropped: an unknown field number is a 415 (index.ts). See schemas.ts for
 * `emit`.
 */
import { CORE, LOCAL_OBJECT_REFERENCE } from './core-v1.js';
import { OBJECT_META, QUANTITY } from './meta.js';
import type { MessageDesc } from './schemas.js';
import { bool, int32, int64, map, msg, msgs, str, strs } from './schemas.js';

const CONTAINER_PORT: MessageDesc = {
  name: `${CORE}.ContainerPort`,
  fields: [
    str(1, 'name'),
    int32(2, 'hostPort'),
    int32(3, 'containerPort', 'always'),
    str(4, 'protocol'),
    str(5, 'hostIP'),
  ],
};

/** Only literal values: valueFrom (3) is not described, so an EnvVar using it is a 415. */
const ENV_VAR: MessageDesc = {
  name: `${CORE}.EnvVar`,
  fields: [str(1, 'name', 'always'), str(2, 'value')],
};

const RESOURCE_REQUIREMENTS: MessageDesc = {
  name: `${CORE}.ResourceRequirements`,
  fields: [
    map(1, 'limits', QUANTITY),
    map(2, 'requests', QUANTITY),
    msgs(3, 'claims', {
      name: `${CORE}.ResourceClaim`,
      fields: [str(1, 'name', 'always'), str(2, 'request')],
    }),
  ],
};

const CONTAINER: MessageDesc = {
  name: `${CORE}.Container`,
  fields: [
    str(1, 'name', 'always'),
    str(2, 'image'),
    strs(3, 'command'),
    strs(4, 'args'),
    str(5, 'workingDir'),
    msgs(6, 'ports', CONTAINER_PORT),
    msgs(7, 'env', ENV_VAR),
    msg(8, 'resources', RESOURCE_REQUIREMENTS),
    str(24, 'restartPolicy', 'pointer'),
    str(13, 'terminationMessagePath'),
    str(20, 'terminationMessagePolicy'),
    str(14, 'imagePullPolicy'),
    bool(16, 'stdin'),
    bool(17, 'stdinOnce'),
    bool(18, 'tty'),
  ],
};

/** seccompProfile and appArmorProfile share this shape: type = 1 (required), localhostProfile = 2. */
const profile = (name: string): MessageDesc => ({
  name: `${CORE}.${name}`,
  fields: [str(1, 'type', 'always'), str(2, 'localhostProfile', 'pointer')],
});

/**
 * The pod-level security context, which the API server defaults to `{}` and so comes back in every stored
 * template (`kubectl create job --from=cronjob/...` copies it). windowsOptions (8) is not described.
 */
const POD_SECURITY_CONTEXT: MessageDesc = {
  name: `${CORE}.PodSecurityContext`,
  fields: [
    msg(
      1,
      'seLinuxOptions',
      {
        name: `${CORE}.SELinuxOptions`,
        fields: [str(1, 'user'), str(2, 'role'), str(3, 'type'), str(4, 'level')],
      },
      'pointer',
    ),
    int64(2, 'runAsUser', 'pointer'),
    int64(6, 'runAsGroup', 'pointer'),
    bool(3, 'runAsNonRoot', 'pointer'),
    { num: 4, json: 'supplementalGroups', emit: 'omitempty', type: 'int64', repeated: true },
    str(12, 'supplementalGroupsPolicy', 'pointer'),
    int64(5, 'fsGroup', 'pointer'),
    msgs(7, 'sysctls', {
      name: `${CORE}.Sysctl`,
      fields: [str(1, 'name', 'always'), str(2, 'value', 'always')],
    }),
    str(9, 'fsGroupChangePolicy', 'pointer'),
    msg(10, 'seccompProfile', profile('SeccompProfile'), 'pointer'),
    msg(11, 'appArmorProfile', profile('AppArmorProfile'), 'pointer'),
    str(13, 'seLinuxChangePolicy', 'pointer'),
  ],
};

const POD_SPEC: MessageDesc = {
  name: `${CORE}.PodSpec`,
  fields: [
    msgs(20, 'initContainers', CONTAINER),
    msgs(2, 'containers', CONTAINER, 'always'),
    str(3, 'restartPolicy'),
    int64(4, 'terminationGracePeriodSeconds', 'pointer'),
    int64(5, 'activeDeadlineSeconds', 'pointer'),
    str(6, 'dnsPolicy'),
    map(7, 'nodeSelector', 'string'),
    str(8, 'serviceAccountName'),
    str(9, 'serviceAccount'),
    bool(21, 'automountServiceAccountToken', 'pointer'),
    str(10, 'nodeName'),
    bool(11, 'hostNetwork'),
    bool(12, 'hostPID'),
    bool(13, 'hostIPC'),
    bool(27, 'shareProcessNamespace', 'pointer'),
    msg(14, 'securityContext', POD_SECURITY_CONTEXT, 'pointer'),
    msgs(15, 'imagePullSecrets', LOCAL_OBJECT_REFERENCE),
    str(16, 'hostname'),
    str(17, 'subdomain'),
    str(19, 'schedulerName'),
    str(24, 'priorityClassName'),
    int32(25, 'priority', 'pointer'),
    str(29, 'runtimeClassName', 'pointer'),
    bool(30, 'enableServiceLinks', 'pointer'),
    str(31, 'preemptionPolicy', 'pointer'),
    map(32, 'overhead', QUANTITY),
    bool(35, 'setHostnameAsFQDN', 'pointer'),
    bool(37, 'hostUsers', 'pointer'),
    str(41, 'hostnameOverride', 'pointer'),
  ],
};

/** core/v1 PodTemplateSpec, the `template` of Deployments and Jobs. */
export const POD_TEMPLATE_SPEC: MessageDesc = {
  name: `${CORE}.PodTemplateSpec`,
  fields: [msg(1, 'metadata', OBJECT_META), msg(2, 'spec', POD_SPEC)],
};
