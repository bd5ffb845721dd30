import { describe, expect, it } from 'vitest';
import {
  type FieldError,
  validateImagePolicy,
  validateImageRepository,
  validateImageUpdateAutomation,
} from '../../../src/api/index.js';

const META = { name: 'app', namespace: 'team-a' };

function obj(kind: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'steward.dev/v1alpha1', kind, metadata: META, spec };
}

function messages(result: { ok: true } | { ok: false; errors: FieldError[] }): string[] {
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
}

const repo = (spec: Record<string, unknown>) =>
  obj('ImageRepository', { image: 'ghcr.io/org/app', interval: '5m', ...spec });
const policy = (spec: Record<string, unknown>) =>
  obj('ImagePolicy', {
    imageRepositoryRef: { name: 'app' },
    policy: { semver: { range: '>=1.0.0' } },
    ...spec,
  });
const automation = (spec: Record<string, unknown>) =>
  obj('ImageUpdateAutomation', {
    sourceRef: { kind: 'GitRepository', name: 'app' },
    git: { commit: { author: { email: 'bot@example.com' } } },
    interval: '10m',
    ...spec,
  });

describe('validateImageRepository', () => {
  it('defaults the timeout and an exclusion list that drops cosign signatures', () => {
    const r = validateImageRepository(repo({}));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.spec.timeout).toBe('60s');
    expect(r.value.spec.exclusionList).toEqual(['^.*\\.sig$']);
  });

  it.each([
    [{ image: 'ghcr.io/org/app@sha256:abc' }, 'spec.image: must be an image name without a digest'],
    [{ image: 'ghcr.io/org/app:v1' }, 'spec.image:'],
    [{ image: 'ghcr.io/Org/App' }, 'spec.image:'],
    [{ exclusionList: ['(a+)+$'] }, 'spec.exclusionList[0]: must not repeat without bound'],
    [{ exclusionList: ['(x)\\1'] }, 'spec.exclusionList[0]: must not use backreferences'],
    [{ exclusionList: ['[z-a]'] }, 'spec.exclusionList[0]: must be a valid regular expression'],
    [{ exclusionList: Array.from({ length: 26 }, (_, i) => `^${i}$`) }, 'spec.exclusionList:'],
    [{ interval: '0s' }, 'spec.interval:'],
    [{ interval: undefined }, 'spec.interval'],
  ])('refuses %j', (spec, expected) => {
    const all = messages(validateImageRepository(repo(spec)));
    expect(
      all.some((m) => m.startsWith(expected)),
      all.join('\n'),
    ).toBe(true);
  });
});

describe('validateImagePolicy', () => {
  it('accepts each of the three policy kinds and defaults the order and digest reflection', () => {
    for (const p of [{ semver: { range: '^1.2' } }, { alphabetical: {} }, { numerical: { order: 'desc' } }]) {
      const r = validateImagePolicy(policy({ policy: p }));
      expect(messages(r)).toEqual([]);
      if (r.ok) expect(r.value.spec.digestReflectionPolicy).toBe('Never');
    }
    const r = validateImagePolicy(policy({ policy: { alphabetical: {} } }));
    expect(r.ok && r.value.spec.policy.alphabetical?.order).toBe('asc');
  });

  it('accepts a reference naming its own namespace, as Flux manifests do', () => {
    expect(
      messages(validateImagePolicy(policy({ imageRepositoryRef: { name: 'app', namespace: 'team-a' } }))),
    ).toEqual([]);
  });

  it.each([
    [{ policy: {} }, 'spec.policy: must set exactly one of semver, alphabetical, numerical'],
    [{ policy: { semver: { range: '1.x' }, alphabetical: {} } }, 'spec.policy: must set exactly one'],
    [
      { imageRepositoryRef: { name: 'app', namespace: 'team-b' } },
      'spec.imageRepositoryRef.namespace: must be',
    ],
    [
      { digestReflectionPolicy: 'Always' },
      'spec.interval: is required when digestReflectionPolicy is Always',
    ],
    [{ filterTags: { pattern: '^(\\w+\\s?)*$' } }, 'spec.filterTags.pattern: must not repeat without bound'],
    [{ filterTags: { pattern: '(' } }, 'spec.filterTags.pattern: must be a valid Go regular expression'],
    [{ filterTags: { pattern: 'v(?=1)' } }, 'spec.filterTags.pattern: must be a valid Go regular expression'],
    [{ policy: { semver: { range: '>=1.0 <<2' } } }, 'spec.policy.semver.range:'],
    [
      { policy: { numerical: {} }, filterTags: { pattern: '^v', extract: '$ts' } },
      'spec.filterTags.extract:',
    ],
    [{ policy: { numerical: { order: 'up' } } }, 'spec.policy.numerical.order:'],
  ])('refuses %j', (spec, expected) => {
    const all = messages(validateImagePolicy(policy(spec)));
    expect(
      all.some((m) => m.startsWith(expected)),
      all.join('\n'),
    ).toBe(true);
  });

  it('accepts Go regexp syntax JavaScript spells differently', () => {
    for (const pattern of ['(?i)^v', '^[[:digit:]]+$', '^main-\\z']) {
      const r = validateImagePolicy(policy({ policy: { alphabetical: {} }, filterTags: { pattern } }));
      expect(messages(r), pattern).toEqual([]);
    }
  });

  it('accepts Go named groups in filterTags.pattern', () => {
    const r = validateImagePolicy(
      policy({
        policy: { numerical: {} },
        filterTags: { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts' },
      }),
    );
    expect(messages(r)).toEqual([]);
  });
});

describe('validateImageUpdateAutomation', () => {
  it('defaults the update path and strategy, the source kind and the author name', () => {
    const r = validateImageUpdateAutomation(automation({}));
    expect(messages(r)).toEqual([]);
    if (!r.ok) return;
    expect(r.value.spec.update).toEqual({ path: './', strategy: 'Setters' });
    expect(r.value.spec.sourceRef.kind).toBe('GitRepository');
    expect(r.value.spec.git.commit.author.name).toBe('Steward');
  });

  it.each([
    [{ sourceRef: { name: 'app', namespace: 'other' } }, 'spec.sourceRef.namespace: must be'],
    [{ update: { path: '../../etc' } }, 'spec.update.path: must stay inside the repository'],
    [{ update: { strategy: 'Regex' } }, 'spec.update.strategy:'],
    [
      { git: { commit: { author: { email: 'bot@example.com' } }, push: { branch: 'feature..x' } } },
      'spec.git.push.branch: must be a valid Git branch name',
    ],
    [
      { git: { commit: { author: { email: 'bot@example.com' } }, push: { branch: 'has space' } } },
      'spec.git.push.branch: must be a Git branch name',
    ],
    [
      { git: { commit: { author: { email: 'bot@example.com' } }, checkout: { ref: { tag: 'v1' } } } },
      'spec.git.checkout.ref',
    ],
    [
      { git: { commit: { author: { email: 'not-an-email' } } } },
      'spec.git.commit.author.email: must be an email',
    ],
    [{ interval: undefined }, 'spec.interval'],
  ])('refuses %j', (spec, expected) => {
    const all = messages(validateImageUpdateAutomation(automation(spec)));
    expect(
      all.some((m) => m.startsWith(expected)),
      all.join('\n'),
    ).toBe(true);
  });
});
