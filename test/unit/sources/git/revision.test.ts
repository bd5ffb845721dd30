import { describe, expect, it } from 'vitest';
import { GitSourceError } from '../../../../src/sources/git/errors.js';
import type { ListedRef, RefPlan } from '../../../../src/sources/git/revision.js';
import {
  formatRevision,
  listPrefix,
  pickSemverTag,
  planRef,
  selectRevision,
} from '../../../../src/sources/git/revision.js';
import type { GitRef } from '../../../../src/sources/git/types.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const T = 'f'.repeat(40);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof GitSourceError) return err.code;
    throw err;
  }
  throw new Error('expected a GitSourceError');
}

describe('formatRevision', () => {
  it.each([
    ['refs/heads/main', `main@sha1:${A}`],
    ['refs/heads/feature/login', `feature/login@sha1:${A}`],
    ['refs/tags/v1.2.0', `v1.2.0@sha1:${A}`],
    ['refs/pull/42/head', `refs/pull/42/head@sha1:${A}`],
    ['HEAD', `sha1:${A}`],
    ['', `sha1:${A}`],
  ])('%s -> %s', (ref, expected) => {
    expect(formatRevision(ref, A)).toBe(expected);
  });
});

describe('planRef', () => {
  it.each<[string, GitRef, RefPlan]>([
    ['nothing: the remote HEAD', {}, { kind: 'head' }],
    ['a branch', { branch: 'main' }, { kind: 'branch', branch: 'main' }],
    ['tag over branch', { branch: 'main', tag: 'v1' }, { kind: 'tag', tag: 'v1' }],
    ['semver over tag', { tag: 'v1', semver: '^1' }, { kind: 'semver', range: '^1' }],
    ['name over semver', { semver: '^1', name: 'refs/heads/x' }, { kind: 'name', name: 'refs/heads/x' }],
    ['commit over everything', { name: 'refs/heads/x', commit: A }, { kind: 'commit', sha: A }],
    ['commit with its branch', { branch: 'main', commit: A }, { kind: 'commit', sha: A, branch: 'main' }],
    ['an upper-case commit', { commit: A.toUpperCase() }, { kind: 'commit', sha: A }],
  ])('%s', (_name, ref, plan) => {
    expect(planRef(ref)).toEqual(plan);
  });

  it.each<[string, GitRef]>([
    ['a short commit', { commit: 'abc1234' }],
    ['a non-hex commit', { commit: 'z'.repeat(40) }],
    ['an invalid range', { semver: '1.2.x.y.z' }],
    ['a name outside refs/', { name: 'main' }],
    ['an empty branch', { branch: '' }],
    ['a branch with a space', { branch: 'my branch' }],
    ['a branch with ..', { branch: 'a/../b' }],
    ['a branch ending in .lock', { branch: 'x.lock' }],
    ['a branch with @{', { branch: 'x@{1}' }],
    ['a tag with a colon', { tag: 'v1:2' }],
    ['an option-like branch', { branch: '--upload-pack=x' }],
  ])('refuses %s with InvalidRef', (_name, ref) => {
    expect(codeOf(() => planRef(ref))).toBe('InvalidRef');
  });

  it('marks invalid refs terminal', () => {
    try {
      planRef({ commit: 'abc' });
    } catch (err) {
      expect((err as GitSourceError).retry).toBe('terminal');
    }
  });
});

describe('listPrefix', () => {
  it.each<[RefPlan, string]>([
    [{ kind: 'head' }, 'HEAD'],
    [{ kind: 'commit', sha: A }, 'HEAD'],
    [{ kind: 'commit', sha: A, branch: 'dev' }, 'refs/heads/dev'],
    [{ kind: 'branch', branch: 'dev' }, 'refs/heads/dev'],
    [{ kind: 'tag', tag: 'v1' }, 'refs/tags/v1'],
    [{ kind: 'semver', range: '^1' }, 'refs/tags/'],
    [{ kind: 'name', name: 'refs/pull/1/head' }, 'refs/pull/1/head'],
  ])('%j lists %s', (plan, prefix) => {
    expect(listPrefix(plan)).toBe(prefix);
  });
});

describe('selectRevision', () => {
  const refs: ListedRef[] = [
    { ref: 'HEAD', oid: A, target: 'refs/heads/main' },
    { ref: 'refs/heads/main', oid: A },
    { ref: 'refs/heads/main-old', oid: B },
    { ref: 'refs/tags/v1.0.0', oid: B },
    { ref: 'refs/tags/v1.1.0', oid: T, peeled: A },
  ];

  it('matches a branch exactly, not by prefix', () => {
    expect(selectRevision({ kind: 'branch', branch: 'main' }, refs).sha).toBe(A);
    expect(codeOf(() => selectRevision({ kind: 'branch', branch: 'mai' }, refs))).toBe('RefNotFound');
  });

  it('peels annotated tags', () => {
    expect(selectRevision({ kind: 'tag', tag: 'v1.1.0' }, refs)).toEqual({
      ref: 'refs/tags/v1.1.0',
      sha: A,
      revision: `v1.1.0@sha1:${A}`,
    });
  });

  it('follows HEAD to the default branch', () => {
    expect(selectRevision({ kind: 'head' }, refs).revision).toBe(`main@sha1:${A}`);
    expect(codeOf(() => selectRevision({ kind: 'head' }, []))).toBe('RefNotFound');
  });

  it('picks by semver', () => {
    expect(selectRevision({ kind: 'semver', range: '~1.0' }, refs).revision).toBe(`v1.0.0@sha1:${B}`);
  });

  it('takes a pinned commit as given, checking only its branch', () => {
    expect(selectRevision({ kind: 'commit', sha: B }, [])).toEqual({
      ref: 'HEAD',
      sha: B,
      revision: `sha1:${B}`,
    });
    expect(selectRevision({ kind: 'commit', sha: B, branch: 'main' }, refs).revision).toBe(`main@sha1:${B}`);
  });
});

describe('pickSemverTag', () => {
  const tags = ['v1.0.0', '1.1.0', 'v1.2.0-rc.1', 'v2.0.0', 'latest', 'v1.10.0', 'release-3', 'v0.9.9'];

  it.each([
    ['*', 'v2.0.0'],
    ['^1.0.0', 'v1.10.0'],
    ['~1.1', '1.1.0'],
    ['<1.0.0', 'v0.9.9'],
    ['>=1.2.0-rc.0 <1.3.0', 'v1.2.0-rc.1'],
    ['1.2.x', undefined],
    ['>=3', undefined],
  ])('%s -> %s', (range, expected) => {
    expect(pickSemverTag(tags, range)).toBe(expected);
  });

  it('ignores prereleases unless the range names one', () => {
    expect(pickSemverTag(['v1.0.0', 'v1.1.0-beta.1'], '^1.0.0')).toBe('v1.0.0');
  });

  it('breaks ties between equal versions by name, whatever the order', () => {
    expect(pickSemverTag(['v1.0.0', '1.0.0'], '*')).toBe('1.0.0');
    expect(pickSemverTag(['1.0.0', 'v1.0.0'], '*')).toBe('1.0.0');
  });

  it('returns undefined for no tags', () => {
    expect(pickSemverTag([], '*')).toBeUndefined();
  });
});
