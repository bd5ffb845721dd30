/** The hook stage's decisions: when hooks run, what is deleted when, and how a failure reads. */
import { describe, expect, it } from 'vitest';
import type { HookDeletion } from '../../../src/apply/hooks-policy.js';
import {
  deleteAfterFailure,
  deleteAfterSuccess,
  deleteBeforeApply,
  hookEvent,
  hookFailed,
  hooksDue,
  hookTimedOut,
} from '../../../src/apply/hooks-policy.js';
import type { ObjectRef } from '../../../src/core/types.js';

const ref = (kind: string, name: string): ObjectRef => ({
  group: kind === 'Job' ? 'batch' : '',
  version: 'v1',
  kind,
  namespace: 'team-a',
  name,
});

const NONE: HookDeletion = { beforeCreation: false, onSuccess: false, onFailure: false };
interface Hook {
  ref: ObjectRef;
  del: HookDeletion;
}
const hook = (kind: string, name: string, del: Partial<HookDeletion>): Hook => ({
  ref: ref(kind, name),
  del: { ...NONE, ...del },
});
const deletion = (h: Hook) => h.del;

const migrate = hook('Job', 'migrate', { beforeCreation: true, onFailure: true });
const seed = hook('Job', 'seed', { onSuccess: true });
const notify = hook('ConfigMap', 'notify', { onSuccess: true, beforeCreation: true });
const keep = hook('ConfigMap', 'keep', {});

describe('hooksDue', () => {
  it.each<[string, string | undefined, boolean]>([
    ['sha256:a', undefined, true],
    ['sha256:a', 'sha256:b', true],
    ['sha256:a', 'sha256:a', false],
  ])('release %s, hooks applied for %s → %s', (release, applied, due) => {
    expect(hooksDue(release, applied)).toBe(due);
  });
});

describe('hookEvent', () => {
  it.each([
    ['pre', true, 'pre-install'],
    ['pre', false, 'pre-upgrade'],
    ['post', true, 'post-install'],
    ['post', false, 'post-upgrade'],
  ] as const)('%s, install %s → %s', (phase, install, event) => {
    expect(hookEvent(phase, install)).toBe(event);
  });
});

describe('deletions', () => {
  it('deletes the previous objects of before-hook-creation hooks before applying', () => {
    expect(deleteBeforeApply([migrate, seed, notify, keep], deletion).map((r) => r.name)).toEqual([
      'migrate',
      'notify',
    ]);
  });

  it('deletes hook-succeeded hooks of every group once the phase succeeded', () => {
    expect(deleteAfterSuccess([[migrate, seed], [notify], [keep]], deletion).map((r) => r.name)).toEqual([
      'seed',
      'notify',
    ]);
  });

  it('deletes only the failed hooks that say hook-failed', () => {
    const group = [migrate, seed];
    expect(deleteAfterFailure(group, [migrate.ref], deletion).map((r) => r.name)).toEqual(['migrate']);
    expect(deleteAfterFailure(group, [seed.ref], deletion)).toEqual([]);
    expect(deleteAfterFailure(group, [], deletion)).toEqual([]);
  });
});

describe('failures', () => {
  it('names the failed hook, the event and the reason, and stalls', () => {
    const err = hookFailed('pre-upgrade', [migrate.ref], 'Job team-a/migrate: BackoffLimitExceeded');
    expect(err.retry).toBe('terminal');
    expect(err.subject).toBe('Job/team-a/migrate');
    expect(err.message).toBe(
      'pre-upgrade hook Job/team-a/migrate failed: Job team-a/migrate: BackoffLimitExceeded',
    );
  });

  it('retries hooks that ran out of time', () => {
    const err = hookTimedOut('post-install', [notify.ref], 'timeout waiting for: ConfigMap team-a/notify');
    expect(err.retry).toBe('transient');
    expect(err.message).toContain('post-install hook ConfigMap/team-a/notify not done in time');
  });
});
