import { describe, expect, it } from 'vitest';
import type { Receiver } from '../../../src/api/index.js';
import { validateReceiver } from '../../../src/api/index.js';
import { labelSelector, targetString, targetsOf } from '../../../src/receivers/targets.js';

function receiver(resources: unknown[]): Receiver {
  const r = validateReceiver({
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Receiver',
    metadata: { name: 'hook', namespace: 'team-a' },
    spec: { type: 'generic', secretRef: { name: 'hook-token' }, resources },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

describe('targetsOf', () => {
  it("defaults the namespace to the Receiver's and the apiVersion to Steward's", () => {
    expect(targetsOf(receiver([{ kind: 'GitRepository', name: 'app' }]), true)).toEqual({
      ok: true,
      targets: [
        { apiVersion: 'steward.dev/v1alpha1', kind: 'GitRepository', namespace: 'team-a', name: 'app' },
      ],
    });
  });

  it('keeps a selector for name *', () => {
    const r = targetsOf(receiver([{ kind: 'Sync', name: '*', matchLabels: { team: 'a' } }]), true);
    expect(r).toEqual({
      ok: true,
      targets: [
        { apiVersion: 'steward.dev/v1alpha1', kind: 'Sync', namespace: 'team-a', matchLabels: { team: 'a' } },
      ],
    });
  });

  it('refuses another namespace under noCrossNamespaceRefs, naming the resource', () => {
    const r = targetsOf(
      receiver([
        { kind: 'GitRepository', name: 'app' },
        { kind: 'GitRepository', name: 'other', namespace: 'team-b' },
      ]),
      true,
    );
    expect(r).toEqual({
      ok: false,
      message:
        "spec.resources[1]: GitRepository 'team-b/other' is in another namespace, and cross-namespace references are not allowed",
    });
  });

  it('allows another namespace without the lockdown', () => {
    const r = targetsOf(receiver([{ kind: 'GitRepository', name: 'other', namespace: 'team-b' }]), false);
    expect(r.ok && r.targets[0]).toMatchObject({ namespace: 'team-b', name: 'other' });
  });

  it('allows the own namespace named explicitly', () => {
    expect(targetsOf(receiver([{ kind: 'Sync', name: 'x', namespace: 'team-a' }]), true).ok).toBe(true);
  });
});

describe('labelSelector and targetString', () => {
  it('sorts keys', () => {
    expect(labelSelector({ b: '2', a: '1' })).toBe('a=1,b=2');
  });

  it('names a target', () => {
    expect(targetString({ apiVersion: 'v', kind: 'Sync', namespace: 'n', name: 'x' })).toBe('Sync/n/x');
    expect(targetString({ apiVersion: 'v', kind: 'Sync', namespace: 'n', matchLabels: { a: '1' } })).toBe(
      'Sync/n/*[a=1]',
    );
  });
});
