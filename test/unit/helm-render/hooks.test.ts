import { describe, expect, it } from 'vitest';
import type { SourcedManifest } from '../../../src/plan/parse.js';
import { classifyHooks, hookDeletePolicy, hookEvents, hookWeight } from '../../../src/render/helm/hooks.js';

function obj(
  kind: string,
  name: string,
  annotations: Record<string, string> = {},
  apiVersion = kind === 'Job' ? 'batch/v1' : 'v1',
): SourcedManifest {
  return {
    manifest: { apiVersion, kind, metadata: { name, annotations } },
    source: { file: `app/templates/${name}.yaml`, document: 0 },
  };
}

const hook = (
  kind: string,
  name: string,
  types: string,
  weight?: string,
  extra: Record<string, string> = {},
) =>
  obj(kind, name, {
    'helm.sh/hook': types,
    ...(weight === undefined ? {} : { 'helm.sh/hook-weight': weight }),
    ...extra,
  });

const names = (groups: SourcedManifest[][]) => groups.map((g) => g.map((m) => m.manifest.metadata.name));

describe('classifyHooks', () => {
  it('keeps objects without the hook annotation in main, in order', () => {
    const input = [obj('Service', 'b'), obj('ConfigMap', 'a', { other: 'x' }), obj('Deployment', 'c')];
    const out = classifyHooks(input);
    expect(out.main).toEqual(input);
    expect(out.pre).toEqual([]);
    expect(out.post).toEqual([]);
    expect(out.skipped).toEqual([]);
  });

  it.each<[string, string, 'pre' | 'post' | 'skipped']>([
    ['pre-install', 'pre-install', 'pre'],
    ['pre-upgrade', 'pre-upgrade', 'pre'],
    ['post-install', 'post-install', 'post'],
    ['post-upgrade', 'post-upgrade', 'post'],
    ['both pre and post install go to pre only', 'pre-install,post-install', 'pre'],
    ['post with pre-upgrade goes to pre', 'post-install,pre-upgrade', 'pre'],
    ['spaces and case are ignored', ' Pre-Install , POST-UPGRADE ', 'pre'],
    ['test', 'test', 'skipped'],
    ['test-success', 'test-success', 'skipped'],
    ['pre-delete', 'pre-delete', 'skipped'],
    ['post-delete', 'post-delete', 'skipped'],
    ['pre-rollback', 'pre-rollback', 'skipped'],
    ['post-rollback', 'post-rollback', 'skipped'],
    ['an install event wins over delete', 'pre-delete,post-install', 'post'],
    ['an unknown type makes helm skip the object', 'pre-install,crd-install', 'skipped'],
    ['an empty annotation is an unknown type', '', 'skipped'],
  ])('%s', (_name, types, where) => {
    const m = hook('Job', 'h', types);
    const out = classifyHooks([m]);
    const found = {
      pre: out.pre.flat().includes(m),
      post: out.post.flat().includes(m),
      skipped: out.skipped.some((s) => s.manifest === m),
    };
    expect(found).toEqual({ pre: where === 'pre', post: where === 'post', skipped: where === 'skipped' });
    expect(out.main).toEqual([]);
  });

  it.each([
    ['test', 'test hook: Steward does not run helm tests'],
    ['test-success', 'test hook: Steward does not run helm tests'],
    ['pre-delete', 'pre-delete hook: Steward never deletes a release as such'],
    ['post-rollback', 'post-rollback hook: Steward never rolls a release back as such'],
    ['crd-install', 'unknown hook type "crd-install": Helm skips the object'],
  ])('says why a %s hook is skipped', (types, reason) => {
    expect(classifyHooks([hook('Pod', 'h', types)]).skipped.map((s) => s.reason)).toEqual([reason]);
  });

  it('groups hooks of equal weight, lowest weight first, then by kind order and name', () => {
    const input = [
      hook('Job', 'migrate', 'pre-install,pre-upgrade', '5'),
      hook('ConfigMap', 'z-config', 'pre-install', '-1'),
      hook('ServiceAccount', 'account', 'pre-upgrade', '-1'),
      hook('Job', 'b-job', 'pre-install'),
      hook('Secret', 'a-secret', 'pre-install', '0'),
      hook('Job', 'a-job', 'pre-install', 'not-a-number'),
      hook('Job', 'notify', 'post-install', '10'),
      hook('Job', 'smoke', 'post-upgrade', '+2'),
      hook('ConfigMap', 'done', 'post-install', '2'),
      obj('Deployment', 'app'),
    ];
    const out = classifyHooks(input);
    expect(names(out.pre)).toEqual([['account', 'z-config'], ['a-secret', 'a-job', 'b-job'], ['migrate']]);
    expect(names(out.post)).toEqual([['done', 'smoke'], ['notify']]);
    expect(out.main.map((m) => m.manifest.metadata.name)).toEqual(['app']);
  });

  it('runs only the hooks of the operation it is told', () => {
    const input = [
      hook('Job', 'first-install', 'pre-install'),
      hook('Job', 'migrate', 'pre-upgrade'),
      hook('Job', 'both', 'pre-install,pre-upgrade'),
      hook('Job', 'welcome', 'post-install'),
      hook('Job', 'post-both', 'post-install,post-upgrade'),
    ];
    const upgrade = classifyHooks(input, { event: 'upgrade' });
    expect(names(upgrade.pre)).toEqual([['both', 'migrate']]);
    expect(names(upgrade.post)).toEqual([['post-both']]);
    expect(upgrade.skipped.map((s) => [s.manifest.manifest.metadata.name, s.reason])).toEqual([
      ['first-install', 'pre-install hook: runs on install only, and this apply is an upgrade'],
      ['welcome', 'post-install hook: runs on install only, and this apply is an upgrade'],
    ]);
    const install = classifyHooks(input, { event: 'install' });
    expect(names(install.pre)).toEqual([['both', 'first-install']]);
    expect(names(install.post)).toEqual([['post-both', 'welcome']]);
    expect(install.skipped.map((s) => s.manifest.manifest.metadata.name)).toEqual(['migrate']);
  });
});

describe('hook annotations', () => {
  it.each<[string | undefined, number]>([
    [undefined, 0],
    ['3', 3],
    ['-5', -5],
    ['+7', 7],
    ['007', 7],
    ['1.5', 0],
    [' 3', 0],
    ['', 0],
    ['99999999999999999999', 0],
  ])('weight %j is %d', (weight, expected) => {
    const m = obj('Job', 'h', weight === undefined ? {} : { 'helm.sh/hook-weight': weight });
    expect(hookWeight(m)).toBe(expected);
  });

  it.each<[string | undefined, string[]]>([
    [undefined, ['before-hook-creation']],
    ['hook-succeeded', ['hook-succeeded']],
    ['hook-succeeded, Hook-Failed', ['hook-succeeded', 'hook-failed']],
    ['before-hook-creation,hook-succeeded', ['before-hook-creation', 'hook-succeeded']],
    ['delete-always', ['before-hook-creation']],
    ['delete-always,hook-failed', ['hook-failed']],
    ['', ['before-hook-creation']],
  ])('delete policy %j is %j', (policy, expected) => {
    const m = obj('Job', 'h', policy === undefined ? {} : { 'helm.sh/hook-delete-policy': policy });
    expect([...hookDeletePolicy(m)].sort()).toEqual([...expected].sort());
  });

  it('reads events, de-duplicated, with test-success as test', () => {
    expect(hookEvents(obj('Pod', 'p'))).toBeUndefined();
    expect(hookEvents(hook('Pod', 'p', 'test-success,test,pre-install'))).toEqual({
      events: ['test', 'pre-install'],
    });
    expect(hookEvents(hook('Pod', 'p', 'pre-install,bogus'))).toEqual({ unknown: 'bogus' });
  });
});
