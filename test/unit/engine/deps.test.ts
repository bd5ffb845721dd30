import { describe, expect, it } from 'vitest';
import { type DependencyState, dependsOnReady } from '../../../src/engine/deps.js';

const ready: DependencyState = {
  ready: true,
  generation: 3,
  observedGeneration: 3,
  lastAppliedRevision: 'main@sha1:abc',
  sourceRevision: 'main@sha1:abc',
};

function lookupFrom(states: Record<string, DependencyState>) {
  return (namespace: string, name: string) => states[`${namespace}/${name}`];
}

describe('dependsOnReady', () => {
  it('is ready with no dependencies', () => {
    expect(dependsOnReady({ namespace: 'team-a' }, () => undefined)).toEqual({ ready: true });
    expect(dependsOnReady({ namespace: 'team-a', dependsOn: [] }, () => undefined)).toEqual({ ready: true });
  });

  it.each<[string, DependencyState | undefined, string | undefined]>([
    ['ready and current', ready, undefined],
    ['missing', undefined, "dependency 'team-a/infra' not found"],
    ['not Ready', { ...ready, ready: false }, "dependency 'team-a/infra' is not ready"],
    ['Ready for an older generation', { ...ready, generation: 4 }, "dependency 'team-a/infra' is not ready"],
    [
      'behind its source',
      { ...ready, sourceRevision: 'main@sha1:def' },
      "dependency 'team-a/infra' revision is not up to date",
    ],
    [
      'never applied',
      { ready: true, generation: 3, observedGeneration: 3, sourceRevision: 'main@sha1:abc' },
      "dependency 'team-a/infra' revision is not up to date",
    ],
    [
      'on another source (no revision to compare)',
      { ready: true, generation: 1, observedGeneration: 1 },
      undefined,
    ],
  ])('dependency %s', (_name, state, message) => {
    const states: Record<string, DependencyState> = state ? { 'team-a/infra': state } : {};
    const result = dependsOnReady(
      { namespace: 'team-a', dependsOn: [{ name: 'infra' }] },
      lookupFrom(states),
    );
    expect(result).toEqual(message ? { ready: false, waitingFor: 'team-a/infra', message } : { ready: true });
  });

  it('resolves an explicit namespace and reports the first unsatisfied dependency in order', () => {
    const lookup = lookupFrom({
      'platform/crds': ready,
      'team-a/db': { ...ready, ready: false },
      'team-a/cache': { ...ready, ready: false },
    });
    const result = dependsOnReady(
      {
        namespace: 'team-a',
        dependsOn: [{ name: 'crds', namespace: 'platform' }, { name: 'db' }, { name: 'cache' }],
      },
      lookup,
    );
    expect(result).toMatchObject({ ready: false, waitingFor: 'team-a/db' });
  });
});
