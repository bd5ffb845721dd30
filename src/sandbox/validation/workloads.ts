/**
 * Spec checks of the apps kinds, from kubernetes pkg/apis/apps/validation/validation.go
 * (ValidateDeploymentSpec, ValidateReplicaSetSpec, ValidateStatefulSetSpec, ValidateDaemonSetSpec); the
 * batch kinds are in jobs.ts. Metadata is checked by the caller. Values are rendered as the 1.34+ apiserver does: JSON, with Go field names for internal types.
 */
import type { FieldError } from '../errors.js';
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import { validateAnnotations, validateLabels } from './names.js';
import { validatePodTemplateSpec } from './podspec.js';
import {
  isEmptySelector,
  isUnparseableSelector,
  renderLabelSelector,
  selectorMatches,
  validateLabelSelector,
} from './selector.js';
import {
  asObj,
  asString,
  at,
  forbidden,
  invalidField,
  nonNegative,
  notSupported,
  required,
  sortedMap,
} from './util.js';

const MISMATCH = '`selector` does not match template `labels`';

/** The labels of `spec.template`. */
export function templateLabels(spec: Obj): unknown {
  return at(spec, 'template', 'metadata', 'labels');
}

/** The selector/template-labels mismatch error, labels rendered as Go prints a map (sorted keys). */
export function mismatch(spec: Obj): FieldError {
  return invalidField('spec.template.metadata.labels', sortedMap(templateLabels(spec)), MISMATCH);
}

/** An intstr.IntOrString field of an internal struct: zero value 0. */
function intOrString(v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'string' ? v : 0;
}

/** Selector required, valid, non-empty: Deployment, ReplicaSet, StatefulSet. */
function requiredSelector(spec: Obj, what: string): FieldError[] {
  const sel = spec.selector;
  if (!isObj(sel)) return [required('spec.selector')];
  const errs = validateLabelSelector(sel, 'spec.selector');
  if (isEmptySelector(sel)) {
    errs.push(
      invalidField('spec.selector', renderLabelSelector(sel), `empty selector is invalid for ${what}`),
    );
  }
  return errs;
}

/** `ValidatePodTemplateSpecForReplicaSet`, shared by Deployment and ReplicaSet. */
function replicaSetTemplate(spec: Obj): FieldError[] {
  const sel = spec.selector;
  if (isObj(sel) && isUnparseableSelector(sel)) {
    return [invalidField('spec.selector', renderLabelSelector(sel), 'invalid label selector')];
  }
  const errs: FieldError[] = [];
  const empty = isObj(sel) && isEmptySelector(sel);
  if (!empty && !selectorMatches(sel, templateLabels(spec))) errs.push(mismatch(spec));
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
  errs.push(...alwaysRestart(spec));
  if (at(spec, 'template', 'spec', 'activeDeadlineSeconds') !== undefined) {
    errs.push(
      forbidden(
        'spec.template.spec.activeDeadlineSeconds',
        'activeDeadlineSeconds in ReplicaSet is not Supported',
      ),
    );
  }
  return errs;
}

function alwaysRestart(spec: Obj): FieldError[] {
  const rp = asString(at(spec, 'template', 'spec', 'restartPolicy'));
  return rp === 'Always' ? [] : [notSupported('spec.template.spec.restartPolicy', rp, ['Always'])];
}

function deploymentStrategy(spec: Obj): FieldError[] {
  const strategy = asObj(spec.strategy) ?? {};
  const type = asString(strategy.type);
  const ru = asObj(strategy.rollingUpdate);
  if (type === 'Recreate') {
    return ru
      ? [forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'")]
      : [];
  }
  if (type === 'RollingUpdate') {
    if (!ru) return [required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil')];
    const zero = (v: unknown) => v === 0 || v === '0%' || v === undefined;
    if (zero(ru.maxUnavailable) && zero(ru.maxSurge)) {
      return [
        invalidField(
          'spec.strategy.rollingUpdate.maxUnavailable',
          intOrString(ru.maxUnavailable),
          'may not be 0 when `maxSurge` is 0',
        ),
      ];
    }
    return [];
  }
  // The bad value is the internal apps.DeploymentStrategy, so JSON with Go field names.
  const rendered = {
    Type: type,
    RollingUpdate: ru
      ? { MaxUnavailable: intOrString(ru.maxUnavailable), MaxSurge: intOrString(ru.maxSurge) }
      : null,
  };
  return [notSupported('spec.strategy', rendered, ['Recreate', 'RollingUpdate'])];
}

/** `ValidateDeploymentSpec`. */
export function validateDeploymentSpec(spec: Obj): FieldError[] {
  const errs = nonNegative('spec.replicas', spec.replicas);
  errs.push(...requiredSelector(spec, 'deployment'));
  errs.push(...replicaSetTemplate(spec));
  errs.push(...deploymentStrategy(spec));
  errs.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds));
  errs.push(...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
  const pds = spec.progressDeadlineSeconds;
  if (typeof pds === 'number') {
    errs.push(...nonNegative('spec.progressDeadlineSeconds', pds));
    const mrs = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
    if (pds <= mrs)
      errs.push(invalidField('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

/** `ValidateReplicaSetSpec` (its empty-selector message says "deployment" upstream too). */
export function validateReplicaSetSpec(spec: Obj): FieldError[] {
  const errs = nonNegative('spec.replicas', spec.replicas);
  errs.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds));
  errs.push(...requiredSelector(spec, 'deployment'));
  errs.push(...replicaSetTemplate(spec));
  return errs;
}

/** `ValidateStatefulSetSpec`: the pod spec itself is not validated upstream (a long-standing TODO). */
export function validateStatefulSetSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = asString(spec.podManagementPolicy);
  if (pmp === '') errs.push(required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') {
    errs.push(invalidField('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  }
  const us = asObj(spec.updateStrategy) ?? {};
  const ust = asString(us.type);
  if (ust === '') errs.push(required('spec.updateStrategy'));
  else if (ust === 'OnDelete' && isObj(us.rollingUpdate)) {
    const ru = stsRollingUpdate(us.rollingUpdate);
    errs.push(
      invalidField(
        'spec.updateStrategy.rollingUpdate',
        ru,
        "only allowed for updateStrategy 'RollingUpdate'",
      ),
    );
  } else if (ust === 'RollingUpdate') {
    errs.push(
      ...nonNegative('spec.updateStrategy.rollingUpdate.partition', at(us, 'rollingUpdate', 'partition')),
    );
  } else if (ust !== 'OnDelete') {
    const rendered = { Type: ust, RollingUpdate: stsRollingUpdate(us.rollingUpdate) };
    errs.push(invalidField('spec.updateStrategy', rendered, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const policy = asObj(spec.persistentVolumeClaimRetentionPolicy);
  for (const k of ['whenDeleted', 'whenScaled']) {
    const v = asString(policy?.[k]);
    if (policy && v !== 'Retain' && v !== 'Delete') {
      errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, v, ['Retain', 'Delete']));
    }
  }
  errs.push(...nonNegative('spec.replicas', spec.replicas));
  errs.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds));
  errs.push(...nonNegative('spec.ordinals.start', at(spec, 'ordinals', 'start')));
  errs.push(...requiredSelector(spec, 'statefulset'));
  const sel = spec.selector;
  if (isObj(sel) && isUnparseableSelector(sel)) {
    errs.push(invalidField('spec.selector', renderLabelSelector(sel), ''));
  } else {
    if (!(isObj(sel) && isEmptySelector(sel)) && !selectorMatches(sel, templateLabels(spec)))
      errs.push(mismatch(spec));
    errs.push(...validateLabels(templateLabels(spec), 'spec.template.labels'));
    errs.push(
      ...validateAnnotations(at(spec, 'template', 'metadata', 'annotations'), 'spec.template.annotations'),
    );
  }
  errs.push(...alwaysRestart(spec));
  if (at(spec, 'template', 'spec', 'activeDeadlineSeconds') !== undefined) {
    errs.push(
      forbidden(
        'spec.template.spec.activeDeadlineSeconds',
        'activeDeadlineSeconds in StatefulSet is not Supported',
      ),
    );
  }
  return errs;
}

/** The internal apps.RollingUpdateStatefulSetStrategy, as JSON with Go field names. */
function stsRollingUpdate(v: unknown): unknown {
  if (!isObj(v)) return null;
  const partition = typeof v.partition === 'number' ? v.partition : 0;
  return { Partition: partition, MaxUnavailable: v.maxUnavailable ?? null };
}

/** `ValidateDaemonSetSpec`: the selector is not required, but a missing one matches no labels. */
export function validateDaemonSetSpec(spec: Obj): FieldError[] {
  const sel = spec.selector;
  const errs = validateLabelSelector(sel, 'spec.selector');
  if (!(isObj(sel) && isUnparseableSelector(sel)) && !selectorMatches(sel, templateLabels(spec))) {
    errs.push(mismatch(spec));
  }
  if (isObj(sel) && isEmptySelector(sel)) {
    errs.push(
      invalidField('spec.selector', renderLabelSelector(sel), 'empty selector is invalid for daemonset'),
    );
  }
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
  errs.push(...alwaysRestart(spec));
  errs.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds));
  const ust = asString(at(spec, 'updateStrategy', 'type'));
  if (ust !== 'RollingUpdate' && ust !== 'OnDelete') {
    const ru = asObj(at(spec, 'updateStrategy', 'rollingUpdate'));
    const rendered = {
      Type: ust,
      RollingUpdate: ru
        ? { MaxUnavailable: intOrString(ru.maxUnavailable), MaxSurge: intOrString(ru.maxSurge) }
        : null,
    };
    errs.push(notSupported('spec.updateStrategy', rendered, ['RollingUpdate', 'OnDelete']));
  }
  errs.push(...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
  return errs;
}
