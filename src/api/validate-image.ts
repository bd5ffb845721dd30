/**
 * Validation of the image automation kinds: the schema, then what it cannot say (a reference to another
 * namespace, a path that climbs out of the repository, a regex that could take exponential time, a policy range
 * or a commit message template that does not parse). The checks themselves live with the code that runs the
 * patterns and templates (src/images, pure), so what validation accepts is exactly what the agent can run.
 */
import { posix } from 'node:path';
import { refShapeIsValid } from '../core/git-ref.js';
import { goRegexpProblem } from '../images/go-regexp.js';
import { ImageNameError, parseImageName } from '../images/image-name.js';
import { checkMessageTemplate } from '../images/message-template.js';
import { checkPolicy, type PolicyRule, type TagFilter } from '../images/policy.js';
import { checkExclusionList } from '../images/scan-exclusion.js';
import { type Findings, showValue } from './errors.js';
import {
  type ImagePolicy,
  ImagePolicySchema,
  type ImageRepository,
  ImageRepositorySchema,
  type ImageUpdateAutomation,
  ImageUpdateAutomationSchema,
} from './schema/image.js';
import { at, isObj, SPEC_DURATION_MAX, type ValidationResult, validateAgainst } from './validate-core.js';

/** A reference may name a namespace only if it is the object's own: tenants do not reach into each other. */
function sameNamespace(obj: unknown, path: string, f: Findings, key: string): void {
  const ns = at(obj, 'spec', ...path.split('.'), 'namespace');
  const own = at(obj, 'metadata', 'namespace');
  if (typeof ns === 'string' && typeof own === 'string' && ns !== own)
    f.add(
      `spec.${path}.namespace`,
      `must be this object's namespace ${showValue(own)} (got ${showValue(ns)}): ${key} cannot be read across namespaces`,
    );
}

function imageRepositoryRules(obj: unknown, f: Findings): void {
  const spec = at(obj, 'spec');
  f.positiveDuration(at(spec, 'interval'), 'spec.interval', SPEC_DURATION_MAX);
  f.positiveDuration(at(spec, 'timeout'), 'spec.timeout', SPEC_DURATION_MAX);
  const image = at(spec, 'image');
  if (typeof image === 'string') {
    try {
      parseImageName(image);
    } catch (err) {
      if (!(err instanceof ImageNameError)) throw err;
      f.add('spec.image', err.reason);
    }
  }
  const list = at(spec, 'exclusionList');
  if (Array.isArray(list) && list.every((x) => typeof x === 'string'))
    for (const problem of checkExclusionList(list)) {
      const colon = problem.indexOf(': ');
      f.add(`spec.${problem.slice(0, colon)}`, problem.slice(colon + 2));
    }
}

function imagePolicyRules(obj: unknown, f: Findings): void {
  const spec = at(obj, 'spec');
  sameNamespace(obj, 'imageRepositoryRef', f, 'an ImageRepository');
  f.positiveDuration(at(spec, 'interval'), 'spec.interval', SPEC_DURATION_MAX);
  if (at(spec, 'digestReflectionPolicy') === 'Always' && at(spec, 'interval') === undefined)
    f.add('spec.interval', 'is required when digestReflectionPolicy is Always');
  const pattern = at(spec, 'filterTags', 'pattern');
  const policy = at(spec, 'policy');
  const filter = at(spec, 'filterTags');
  // checkPolicy reads a well-formed policy; the schema reports a malformed one.
  const single = isObj(policy) && Object.keys(policy).length === 1;
  if (single) {
    for (const p of checkPolicy(
      policy as PolicyRule,
      typeof pattern === 'string' ? (filter as TagFilter) : undefined,
    ))
      f.add(`spec.${p.path}`, p.message);
  } else if (typeof pattern === 'string') {
    const problem = goRegexpProblem(pattern);
    if (problem) f.add('spec.filterTags.pattern', problem);
  }
}

/** What git-check-ref-format refuses beyond the schema's character class. */
function branchProblem(branch: string): string | undefined {
  if (!refShapeIsValid(branch) || branch.split('/').some((part) => part.startsWith('.')))
    return `must be a valid Git branch name (got ${showValue(branch)})`;
  return undefined;
}

function imageUpdateAutomationRules(obj: unknown, f: Findings): void {
  const spec = at(obj, 'spec');
  sameNamespace(obj, 'sourceRef', f, 'a GitRepository');
  f.positiveDuration(at(spec, 'interval'), 'spec.interval', SPEC_DURATION_MAX);
  for (const path of ['checkout.ref.branch', 'push.branch']) {
    const branch = at(spec, 'git', ...path.split('.'));
    const problem = typeof branch === 'string' ? branchProblem(branch) : undefined;
    if (problem) f.add(`spec.git.${path}`, problem);
  }
  const path = at(spec, 'update', 'path');
  if (typeof path === 'string') {
    const normal = posix.normalize(path.startsWith('/') ? `.${path}` : path);
    if (normal === '..' || normal.startsWith('../'))
      f.add('spec.update.path', `must stay inside the repository (got ${showValue(path)})`);
  }
  const template = at(spec, 'git', 'commit', 'messageTemplate');
  if (typeof template === 'string') {
    const problem = checkMessageTemplate(template);
    if (problem) f.add('spec.git.commit.messageTemplate', problem);
  }
}

/** Validates an ImageRepository; see validateGitRepository in validate.ts. */
export function validateImageRepository(obj: unknown): ValidationResult<ImageRepository> {
  return validateAgainst<ImageRepository>(ImageRepositorySchema, obj, imageRepositoryRules);
}

/** Validates an ImagePolicy; see validateGitRepository in validate.ts. */
export function validateImagePolicy(obj: unknown): ValidationResult<ImagePolicy> {
  return validateAgainst<ImagePolicy>(ImagePolicySchema, obj, imagePolicyRules);
}

/** Validates an ImageUpdateAutomation; see validateGitRepository in validate.ts. */
export function validateImageUpdateAutomation(obj: unknown): ValidationResult<ImageUpdateAutomation> {
  return validateAgainst<ImageUpdateAutomation>(ImageUpdateAutomationSchema, obj, imageUpdateAutomationRules);
}
