import { describe, expect, it } from 'vitest';
import { kindsFromResourceList, knownKindsHint, resolveKind } from '../../../src/cli/kinds.js';

const LIST = {
  kind: 'APIResourceList',
  groupVersion: 'steward.dev/v1alpha1',
  resources: [
    { name: 'syncs', singularName: 'sync', namespaced: true, kind: 'Sync', shortNames: ['sync'] },
    { name: 'syncs/status', singularName: '', namespaced: true, kind: 'Sync' },
    {
      name: 'gitrepositories',
      singularName: 'gitrepository',
      namespaced: true,
      kind: 'GitRepository',
      shortNames: ['gitrepo'],
    },
    // A kind added later, from an older server that leaves singularName empty.
    { name: 'imagepolicies', singularName: '', namespaced: true, kind: 'ImagePolicy' },
  ],
};

const kinds = kindsFromResourceList('steward.dev', 'v1alpha1', LIST);

describe('kindsFromResourceList', () => {
  it('keeps resources, drops subresources, and sorts by kind', () => {
    expect(kinds.map((k) => k.kind)).toEqual(['GitRepository', 'ImagePolicy', 'Sync']);
    expect(kinds[1]).toEqual({
      group: 'steward.dev',
      version: 'v1alpha1',
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'ImagePolicy',
      plural: 'imagepolicies',
      singular: 'imagepolicy',
      shortNames: [],
      namespaced: true,
    });
  });

  it('reads nothing from a missing or malformed list', () => {
    expect(kindsFromResourceList('steward.dev', 'v1', undefined)).toEqual([]);
    expect(kindsFromResourceList('steward.dev', 'v1', { resources: [null, { name: 1 }] })).toEqual([]);
  });
});

describe('resolveKind', () => {
  it.each([
    ['syncs', 'Sync'],
    ['sync', 'Sync'],
    ['Sync', 'Sync'],
    ['gitrepositories', 'GitRepository'],
    ['gitrepository', 'GitRepository'],
    ['gitrepo', 'GitRepository'],
    ['GITREPO', 'GitRepository'],
    ['gitrepositories.steward.dev', 'GitRepository'],
    ['syncs.v1alpha1.steward.dev', 'Sync'],
    ['imagepolicy', 'ImagePolicy'],
  ])('%s is %s', (input, kind) => {
    expect(resolveKind(kinds, input)?.kind).toBe(kind);
  });

  it.each(['pods', 'syncs.v2.steward.dev', 'syncs.example.com', ''])('%s is no Steward kind', (input) => {
    expect(resolveKind(kinds, input)).toBeUndefined();
  });

  it('names the served kinds, or says the CRDs are missing', () => {
    expect(knownKindsHint(kinds)).toBe('Steward kinds served: gitrepositories, imagepolicies, syncs');
    expect(knownKindsHint([])).toContain("are Steward's CRDs installed?");
  });
});
