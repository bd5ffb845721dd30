/**
 * Create-time validation of built-in kinds, with the field paths and messages of kube-apiserver 1.36.
 * Call it after applyDefaults (defaults.ts): upstream validates the defaulted internal object, so e.g. a
 * Job without restartPolicy fails as `Unsupported value: "Always"`, not as a missing field.
 *
 * Checks that exist (everything else is accepted as-is):
 * - every kind: ObjectMeta (names.ts): name/generateName by the kind's rule, namespace required or
 *   forbidden, labels, annotations (keys and 256 KiB), finalizers (plus the core rule that unqualified
 *   finalizers must be standard ones)
 * - Deployment, ReplicaSet: replicas >= 0, selector required/valid/non-empty, template labels matched by
 *   the selector, pod template (podspec.ts: containers required, container name/image required, ports,
 *   env names, volume names, volumeMounts, restartPolicy Always), strategy (Recreate forbids
 *   rollingUpdate), minReadySeconds, revisionHistoryLimit, progressDeadlineSeconds > minReadySeconds
 * - StatefulSet: podManagementPolicy, updateStrategy, PVC retention policy, selector, template labels
 *   (upstream does not validate its pod spec), restartPolicy Always
 * - DaemonSet: selector (not required), template, updateStrategy type
 * - Job: counts >= 0, completionMode, pod template, restartPolicy OnFailure/Never, selector required (it is
 *   generated from the uid on create, see generateJobSelector) and matching the template
 * - CronJob: schedule required and parseable (robfig/cron messages, cron.ts), no TZ in schedule,
 *   concurrencyPolicy, job template (no selector), history limits, name at most 52 characters
 * - Service: ports required unless headless or ExternalName, port name/number/protocol/targetPort,
 *   duplicate ports, externalName, selector labels, sessionAffinity, type, no nodePort on ClusterIP
 * - ConfigMap: data/binaryData key format, keys in both, 1 MiB total
 * - Secret: data key format, 1 MiB, keys required by the well-known types (tls, basic-auth, ...)
 * - Namespace: DNS-1123 label name, spec.finalizers
 * - Role, ClusterRole: path-segment names, rules (verbs, apiGroups, resources, nonResourceURLs)
 * - RoleBinding, ClusterRoleBinding: roleRef (apiGroup, kind, name), subjects (kind supported values,
 *   ServiceAccount namespace on cluster bindings, apiGroup per kind)
 * - CustomResourceDefinition (crd-definition.ts): name = plural.group, group, scope, versions (names,
 *   exactly one storage version, schema required and structural), names, conversion
 */
import type { FieldError } from '../errors.js';
import type { Obj } from '../types.js';
import {
  validateBinding,
  validateConfigMapData,
  validateKubeFinalizers,
  validateNamespaceSpec,
  validateRules,
  validateSecretData,
  validateServiceSpec,
} from './core-kinds.js';
import { validateCustomResourceDefinition } from './crd-definition.js';
import { validateCronJobSpec, validateJobSpec } from './jobs.js';
import { nameRuleFor, validateObjectMeta } from './names.js';
import { asObj, asString, at, invalidField } from './util.js';
import {
  validateDaemonSetSpec,
  validateDeploymentSpec,
  validateReplicaSetSpec,
  validateStatefulSetSpec,
} from './workloads.js';

const RBAC = 'rbac.authorization.k8s.io';

/** Cluster-scoped built-in kinds, by `group/Kind` ('' group written as `/Kind`). */
const CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  `${RBAC}/ClusterRole`,
  `${RBAC}/ClusterRoleBinding`,
  'apiextensions.k8s.io/CustomResourceDefinition',
  'storage.k8s.io/StorageClass',
  'scheduling.k8s.io/PriorityClass',
  'networking.k8s.io/IngressClass',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'apiregistration.k8s.io/APIService',
]);

/** Whether a built-in kind lives in namespaces. */
export function isNamespacedBuiltin(group: string, kind: string): boolean {
  return !CLUSTER_SCOPED.has(`${group}/${kind}`);
}

function kindChecks(group: string, kind: string, obj: Obj): FieldError[] {
  const spec = asObj(obj.spec) ?? {};
  switch (`${group}/${kind}`) {
    case 'apps/Deployment':
      return validateDeploymentSpec(spec);
    case 'apps/ReplicaSet':
      return validateReplicaSetSpec(spec);
    case 'apps/StatefulSet':
      return validateStatefulSetSpec(spec);
    case 'apps/DaemonSet':
      return validateDaemonSetSpec(spec);
    case 'batch/Job':
      return validateJobSpec(spec);
    case 'batch/CronJob': {
      const errs = validateCronJobSpec(spec);
      const name = asString(at(obj, 'metadata', 'name'));
      // ValidateCronJobCreate: jobs are named <cronjob>-<11 chars>, and must fit in 63.
      if (name.length > 52)
        errs.push(invalidField('metadata.name', name, 'must be no more than 52 characters'));
      return errs;
    }
    case '/Service':
      return validateServiceSpec(obj);
    case '/ConfigMap':
      return validateConfigMapData(obj);
    case '/Secret':
      return validateSecretData(obj);
    case '/Namespace':
      return validateNamespaceSpec(obj);
    case `${RBAC}/Role`:
      return validateRules(obj, true);
    case `${RBAC}/ClusterRole`:
      return validateRules(obj, false);
    case `${RBAC}/RoleBinding`:
      return validateBinding(obj, true);
    case `${RBAC}/ClusterRoleBinding`:
      return validateBinding(obj, false);
    default:
      return [];
  }
}

/**
 * Validates a defaulted built-in object as kube-apiserver does on create: metadata first, then the kind's
 * own checks. Other built-in kinds get the metadata checks only. Custom resources are not built-in: use
 * validateObjectMeta (rule `subdomain`) and validateAgainstSchema for them.
 */
export function validateBuiltin(group: string, kind: string, obj: Obj): FieldError[] {
  if (group === 'apiextensions.k8s.io' && kind === 'CustomResourceDefinition') {
    return validateCustomResourceDefinition(obj);
  }
  const meta = validateObjectMeta(obj, {
    namespaced: isNamespacedBuiltin(group, kind),
    nameRule: nameRuleFor(group, kind),
  });
  meta.push(...validateKubeFinalizers(at(obj, 'metadata', 'finalizers'), 'metadata.finalizers'));
  return [...meta, ...kindChecks(group, kind, obj)];
}
