/**
 * Validation of the image automation kinds: the schema, then what it cannot say (a reference to another
 * namespace, a path that climbs out of the repository, a regex that could take exponential time, a policy range
 * or a commit message template that does not parse).
 */
import { posix } from 'node:path';
import { type Findings, showValue } from './errors.js';
import { regexRisk } from './regex-risk.js';
import {
  type ImagePolicy,
  ImagePolicySchema,
  type ImageRepository,
  ImageRepositorySchema,
  type ImageUpdateAutomation,
  ImageUpdateAutomationSchema,
} from './schema/image.js';
import { at, SPEC_DURATION_MAX, type ValidationResult, validateAgainst } from './validate-core.js';

/** Checks the parts of the image kinds that live outside src/api (image names, policies, templates). */
export interface ImageChecks {
  /** A reason when `image` is not a valid image name without tag or digest. */
  imageName(image: string): string | undefined;
  /** Problems of a policy choice and tag filter, paths relative to spec. */
  policy(policy: unknown, filterTags: unknown): { path: string; message: string }[];
  /** A reason when the commit message template does not parse. */
  template(source: string): string | undefined;
}

let checks: ImageChecks | undefined;

/**
 * Installs the checks implemented in src/images (done once by that module's index), so src/api does not import
 * the image automation code and the two stay free of import cycles.
 */
export function setImageChecks(c: ImageChecks): void {
  checks = c;
}

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

/** A Go RE2 pattern as JavaScript reads it: `(?P<name>` is `(?<name>` there. */
export function goRegexSource(pattern: string): string {
  return pattern.replace(/\(\?P</g, '(?<');
}

function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(goRegexSource(pattern), 'u');
  } catch (err) {
    return `must be a valid regular expression: ${(err as Error).message}`;
  }
  return regexRisk(pattern);
}

function imageRepositoryRules(obj: unknown, f: Findings): void {
  const spec = at(obj, 'spec');
  f.positiveDuration(at(spec, 'interval'), 'spec.interval', SPEC_DURATION_MAX);
  f.positiveDuration(at(spec, 'timeout'), 'spec.timeout', SPEC_DURATION_MAX);
  const image = at(spec, 'image');
  if (typeof image === 'string') {
    const problem = checks?.imageName(image);
    if (problem) f.add('spec.image', problem);
  }
  const list = at(spec, 'exclusionList');
  if (Array.isArray(list))
    list.forEach((expr: unknown, i) => {
      const problem = typeof expr === 'string' ? regexProblem(expr) : undefined;
      if (problem) f.add(`spec.exclusionList[${i}]`, problem);
    });
}

function imagePolicyRules(obj: unknown, f: Findings): void {
  const spec = at(obj, 'spec');
  sameNamespace(obj, 'imageRepositoryRef', f, 'an ImageRepository');
  f.positiveDuration(at(spec, 'interval'), 'spec.interval', SPEC_DURATION_MAX);
  if (at(spec, 'digestReflectionPolicy') === 'Always' && at(spec, 'interval') === undefined)
    f.add('spec.interval', 'is required when digestReflectionPolicy is Always');
  const pattern = at(spec, 'filterTags', 'pattern');
  const patternProblem = typeof pattern === 'string' ? regexProblem(pattern) : undefined;
  if (patternProblem) f.add('spec.filterTags.pattern', patternProblem);
  // The policy checks compile the pattern again; only ask them when it is sound.
  const policy = at(spec, 'policy');
  if (policy !== undefined && !patternProblem)
    for (const p of checks?.policy(policy, at(spec, 'filterTags')) ?? []) f.add(`spec.${p.path}`, p.message);
}

/** What git-check-ref-format refuses beyond the schema's character class. */
export function branchProblem(branch: string): string | undefined {
  if (
    branch.startsWith('/') ||
    branch.startsWith('-') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.endsWith('.lock') ||
    branch.includes('//') ||
    branch.includes('..') ||
    branch.includes('@{') ||
    branch === '@' ||
    branch.split('/').some((part) => part.startsWith('.'))
  )
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
    const problem = checks?.template(template);
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
