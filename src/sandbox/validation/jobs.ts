/**
 * Spec checks of the batch kinds, from kubernetes pkg/apis/batch/validation/validation.go (validateJobSpec,
 * ValidateJobSpec, validateCronJobSpec, ValidateJobTemplateSpec). Metadata is checked by the caller.
 */
import type { FieldError } from '../errors.js';
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import { cronScheduleError } from './cron.js';
import { validatePodTemplateSpec } from './podspec.js';
import {
  isUnparseableSelector,
  renderLabelSelector,
  selectorMatches,
  validateLabelSelector,
} from './selector.js';
import { asObj, asString, at, child, invalidField, nonNegative, notSupported, required } from './util.js';
import { mismatch, templateLabels } from './workloads.js';

/** `validateJobSpec`: the part shared by Jobs and CronJob job templates. */
function jobSpecCommon(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of [
    'parallelism',
    'completions',
    'activeDeadlineSeconds',
    'backoffLimit',
    'ttlSecondsAfterFinished',
  ]) {
    errs.push(...nonNegative(child(path, f), spec[f]));
  }
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
    errs.push(notSupported(child(path, 'completionMode'), mode, ['NonIndexed', 'Indexed']));
  }
  errs.push(...validatePodTemplateSpec(spec.template, child(path, 'template')));
  const rp = asString(at(spec, 'template', 'spec', 'restartPolicy'));
  if (rp !== 'OnFailure' && rp !== 'Never') {
    errs.push(notSupported(child(path, 'template.spec.restartPolicy'), rp, ['OnFailure', 'Never']));
  }
  return errs;
}

/**
 * `ValidateJobSpec`. The selector is normally generated from the Job's uid on create
 * (generateJobSelector in defaults.ts), so `spec.selector: Required value` means the server skipped it.
 */
export function validateJobSpec(spec: Obj): FieldError[] {
  const errs = jobSpecCommon(spec, 'spec');
  const sel = spec.selector;
  if (!isObj(sel)) errs.push(required('spec.selector'));
  else errs.push(...validateLabelSelector(sel, 'spec.selector'));
  if (!(isObj(sel) && isUnparseableSelector(sel)) && !selectorMatches(sel, templateLabels(spec))) {
    errs.push(mismatch(spec));
  }
  return errs;
}

/** `validateCronJobSpec`; the 52-character name limit of ValidateCronJobCreate is checked in builtin.ts. */
export function validateCronJobSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = asString(spec.schedule);
  if (schedule === '') errs.push(required('spec.schedule'));
  else {
    const err = cronScheduleError(schedule);
    if (err) errs.push(invalidField('spec.schedule', schedule, err));
    if (schedule.includes('TZ')) {
      errs.push(
        invalidField(
          'spec.schedule',
          schedule,
          'cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
        ),
      );
    }
  }
  errs.push(...nonNegative('spec.startingDeadlineSeconds', spec.startingDeadlineSeconds));
  const cp = asString(spec.concurrencyPolicy);
  if (cp === '') errs.push(required('spec.concurrencyPolicy'));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) {
    errs.push(notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  }
  const jobSpec = asObj(at(spec, 'jobTemplate', 'spec')) ?? {};
  errs.push(...jobSpecCommon(jobSpec, 'spec.jobTemplate.spec'));
  if (isObj(jobSpec.selector)) {
    errs.push(
      invalidField(
        'spec.jobTemplate.spec.selector',
        renderLabelSelector(jobSpec.selector),
        '`selector` will be auto-generated',
      ),
    );
  }
  if (jobSpec.manualSelector === true) {
    errs.push(notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  }
  errs.push(...nonNegative('spec.successfulJobsHistoryLimit', spec.successfulJobsHistoryLimit));
  errs.push(...nonNegative('spec.failedJobsHistoryLimit', spec.failedJobsHistoryLimit));
  return errs;
}
