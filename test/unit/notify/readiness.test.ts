import { describe, expect, it } from 'vitest';
import { ApplyError } from '../../../src/apply/index.js';
import { ReconcileError } from '../../../src/core/types.js';
import { failingObjectsOf, withFailingObjects } from '../../../src/notify/failing.js';
import { alertOutcome, invalidSpec, providerOutcome } from '../../../src/notify/readiness.js';

describe('providerOutcome and alertOutcome', () => {
  it('is ready, or says why not', () => {
    expect(providerOutcome('slack', undefined)).toEqual({
      kind: 'ready',
      reason: 'Succeeded',
      message: 'ready to send to slack',
    });
    expect(
      providerOutcome('slack', {
        reason: 'SecretNotFound',
        message: "Secret 'a/b' not found",
        retry: 'transient',
      }),
    ).toEqual({
      kind: 'failed',
      retry: 'transient',
      reason: 'SecretNotFound',
      message: "Secret 'a/b' not found",
    });
    expect(invalidSpec([{ path: 'spec.type', message: 'must be one of slack' }])).toMatchObject({
      retry: 'terminal',
      reason: 'ValidationFailed',
      message: 'invalid spec: spec.type: must be one of slack',
    });
  });

  it.each([
    [{ state: 'missing' } as const, [], 'ProviderNotFound', "Provider 'team-a/chat' not found"],
    [
      { state: 'not-ready', message: "Secret 'team-a/hook' not found" } as const,
      [],
      'ProviderNotReady',
      "Provider 'team-a/chat' is not ready: Secret 'team-a/hook' not found",
    ],
    [
      { state: 'ready', type: 'msteams' } as const,
      [1],
      'AccessDenied',
      'spec.eventSources[1]: cross-namespace event sources are not allowed (lockdown.noCrossNamespaceRefs)',
    ],
    [
      { state: 'ready', type: 'msteams' } as const,
      [],
      'Succeeded',
      "sending to Provider 'team-a/chat' (msteams)",
    ],
  ])('Alert with Provider %j and refused sources %j: %s', (view, refused, reason, message) => {
    expect(alertOutcome('chat', 'team-a', view, refused)).toMatchObject({ reason, message });
  });
});

describe('failingObjectsOf', () => {
  it('reads attached objects, the failures of an apply, or the subject', () => {
    expect(failingObjectsOf(withFailingObjects(new Error('x'), ['Deployment/a/web']))).toEqual([
      'Deployment/a/web',
    ]);
    const apply = new ApplyError(
      [
        new ReconcileError('ReconciliationFailed', 'terminal', 'bad', 'Deployment/a/web'),
        new ReconcileError('ReconciliationFailed', 'terminal', 'bad', 'Service/a/web'),
      ],
      { changes: [] },
    );
    expect(failingObjectsOf(apply)).toEqual(['Deployment/a/web', 'Service/a/web']);
    expect(
      failingObjectsOf(new ReconcileError('BuildFailed', 'terminal', 'bad yaml', 'app/deploy.yaml')),
    ).toEqual(['app/deploy.yaml']);
    expect(failingObjectsOf(new Error('plain'))).toEqual([]);
    expect(failingObjectsOf(undefined)).toEqual([]);
  });
});
