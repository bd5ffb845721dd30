import { describe, expect, it } from 'vitest';
import {
  compileFilters,
  needsLabels,
  passesFilters,
  refusedSources,
  selectsObject,
  wildcardMatch,
} from '../../../src/notify/match.js';
import { alert, event } from './fixtures.js';

const sameNamespace = { allowCrossNamespace: false };
const crossNamespace = { allowCrossNamespace: true };

describe('wildcardMatch', () => {
  it.each([
    ['web', 'web', true],
    ['web', 'web2', false],
    ['*', 'anything', true],
    ['*', '', true],
    ['web-*', 'web-prod', true],
    ['web-*', 'web-', true],
    ['web-*', 'api-prod', false],
    ['*-prod', 'web-prod', true],
    ['*-prod', 'web-staging', false],
    ['team-*-app', 'team-a-app', true],
    ['team-*-app', 'team-app', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
  ])('%s ~ %s is %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });
});

describe('selectsObject', () => {
  const web = event();
  it.each([
    ['kind and exact name', { eventSources: [{ kind: 'Sync', name: 'web' }] }, true],
    ['a wildcard name', { eventSources: [{ kind: 'Sync', name: 'w*' }] }, true],
    ['another name', { eventSources: [{ kind: 'Sync', name: 'api' }] }, false],
    ['another kind', { eventSources: [{ kind: 'GitRepository', name: '*' }] }, false],
    ['the Alert namespace by default', { eventSources: [{ kind: 'Sync', name: '*' }] }, true],
    ['its own namespace named', { eventSources: [{ kind: 'Sync', name: '*', namespace: 'team-a' }] }, true],
    [
      'any of several sources',
      {
        eventSources: [
          { kind: 'GitRepository', name: '*' },
          { kind: 'Sync', name: 'web' },
        ],
      },
      true,
    ],
  ])('selects by %s: %s', (_what, spec, expected) => {
    expect(selectsObject(alert(spec), web, undefined, sameNamespace)).toBe(expected);
  });

  it('selects another namespace only when cross-namespace references are allowed', () => {
    const platform = alert(
      { eventSources: [{ kind: 'Sync', name: '*', namespace: 'team-a' }] },
      'steward-system',
    );
    expect(selectsObject(platform, web, undefined, sameNamespace)).toBe(false);
    expect(refusedSources(platform, sameNamespace)).toEqual([0]);
    expect(selectsObject(platform, web, undefined, crossNamespace)).toBe(true);
    expect(refusedSources(platform, crossNamespace)).toEqual([]);
  });

  it('never selects an object in another namespace than the source names', () => {
    const other = alert({ eventSources: [{ kind: 'Sync', name: '*' }] }, 'team-b');
    expect(selectsObject(other, web, undefined, crossNamespace)).toBe(false);
  });

  it('asks for labels only when a label source is the only way to match', () => {
    const labelled = alert({
      eventSources: [{ kind: 'Sync', name: '*', matchLabels: { tier: 'frontend' } }],
    });
    expect(needsLabels(labelled, web, sameNamespace)).toBe(true);
    expect(selectsObject(labelled, web, undefined, sameNamespace)).toBe(false);
    expect(selectsObject(labelled, web, { tier: 'frontend', team: 'a' }, sameNamespace)).toBe(true);
    expect(selectsObject(labelled, web, { tier: 'backend' }, sameNamespace)).toBe(false);
    const both = alert({
      eventSources: [
        { kind: 'Sync', name: '*', matchLabels: { tier: 'x' } },
        { kind: 'Sync', name: 'web' },
      ],
    });
    expect(needsLabels(both, web, sameNamespace)).toBe(false);
    expect(selectsObject(both, web, undefined, sameNamespace)).toBe(true);
    const otherKind = alert({
      eventSources: [{ kind: 'GitRepository', name: '*', matchLabels: { tier: 'x' } }],
    });
    expect(needsLabels(otherKind, web, sameNamespace)).toBe(false);
  });
});

describe('passesFilters', () => {
  const failure = event();
  const info = event({
    type: 'Normal',
    reason: 'ReconciliationSucceeded',
    message: 'Applied revision: main@sha1:abc',
  });
  it.each([
    ['severity info lets errors through', {}, failure, true],
    ['severity info lets info through', {}, info, true],
    ['severity error lets errors through', { eventSeverity: 'error' }, failure, true],
    ['severity error stops info', { eventSeverity: 'error' }, info, false],
    ['an inclusion list that matches', { inclusionList: ['replicas'] }, failure, true],
    ['an inclusion list that does not match', { inclusionList: ['^Applied'] }, failure, false],
    [
      'any expression of the inclusion list',
      { inclusionList: ['^Applied', 'updated replicas'] },
      failure,
      true,
    ],
    ['an exclusion list that matches', { exclusionList: ['team-a/web'] }, failure, false],
    ['an exclusion list that does not match', { exclusionList: ['^Applied'] }, failure, true],
    [
      'exclusion wins over inclusion',
      { inclusionList: ['web'], exclusionList: ['replicas'] },
      failure,
      false,
    ],
  ])('%s', (_what, spec, e, expected) => {
    const a = alert(spec);
    expect(passesFilters(a, e, compileFilters(a))).toBe(expected);
  });
});
