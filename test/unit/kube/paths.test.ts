import { describe, expect, it } from 'vitest';
import {
  apiVersionOf,
  collectionPath,
  groupOf,
  groupVersionPath,
  objectPath,
  withQuery,
} from '../../../src/kube/paths.js';

describe('paths', () => {
  it.each([
    ['v1', '/api/v1'],
    ['apps/v1', '/apis/apps/v1'],
  ])('groupVersionPath(%s)', (v, expected) => {
    expect(groupVersionPath(v)).toBe(expected);
  });

  it('builds namespaced, all-namespace and cluster-scoped paths', () => {
    expect(collectionPath('apps/v1', 'deployments', true, 'a')).toBe(
      '/apis/apps/v1/namespaces/a/deployments',
    );
    expect(collectionPath('apps/v1', 'deployments', true, undefined)).toBe('/apis/apps/v1/deployments');
    expect(collectionPath('v1', 'namespaces', false, 'ignored')).toBe('/api/v1/namespaces');
    expect(objectPath('example.com/v1', 'widgets', true, 'a', 'w 1', 'status')).toBe(
      '/apis/example.com/v1/namespaces/a/widgets/w%201/status',
    );
  });

  it('splits and joins group and version', () => {
    expect(apiVersionOf('', 'v1')).toBe('v1');
    expect(apiVersionOf('apps', 'v1')).toBe('apps/v1');
    expect(groupOf('v1')).toBe('');
    expect(groupOf('apps/v1')).toBe('apps');
  });

  it('adds query parameters, skipping undefined ones', () => {
    expect(withQuery('/p', { a: 'x y', b: undefined })).toBe('/p?a=x+y');
    expect(withQuery('/p', {})).toBe('/p');
  });
});
