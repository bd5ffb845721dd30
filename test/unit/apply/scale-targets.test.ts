import { describe, expect, it } from 'vitest';
import { scaleTargetsOf, withoutReplicas } from '../../../src/apply/scale-targets.js';
import type { Manifest } from '../../../src/core/types.js';

const hpa = (ns: string | undefined, kind: string, name: string) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'h', ...(ns ? { namespace: ns } : {}) },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind, name } },
});
const canary = {
  apiVersion: 'flagger.app/v1beta1',
  kind: 'Canary',
  metadata: { name: 'c', namespace: 'b' },
  spec: { targetRef: { kind: 'Deployment', name: 'api' } },
};

describe('scaleTargetsOf', () => {
  it('collects HPA and Canary targets by namespace, kind and name', () => {
    const out = scaleTargetsOf([
      hpa('a', 'Deployment', 'web'),
      canary,
      { kind: 'ConfigMap' },
      { kind: 'Canary', spec: {} },
    ]);
    expect([...out].sort()).toEqual(['a/Deployment/web', 'b/Deployment/api']);
  });
  it('uses the default namespace for a scaler without one', () => {
    expect([...scaleTargetsOf([hpa(undefined, 'StatefulSet', 'db')], 'team')]).toEqual([
      'team/StatefulSet/db',
    ]);
  });
});

describe('withoutReplicas', () => {
  const desired: Manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: 3, paused: false },
  };
  const stewardOwns = [
    { manager: 'steward', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
  ];
  const hpaOwns = [
    { manager: 'steward', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:paused': {} } } },
    {
      manager: 'horizontal-pod-autoscaler',
      operation: 'Update',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    },
  ];

  it('keeps Git’s replicas when creating', () => {
    expect(withoutReplicas(desired, undefined, 'steward')).toBe(desired);
  });
  it('pins to the live value while Steward still applies the field (so it is not deleted and defaulted)', () => {
    const live = { metadata: { managedFields: stewardOwns }, spec: { replicas: 6 } };
    expect(withoutReplicas(desired, live, 'steward').spec).toEqual({ replicas: 6, paused: false });
  });
  it('leaves the field out once the autoscaler owns it', () => {
    const live = { metadata: { managedFields: hpaOwns }, spec: { replicas: 6 } };
    expect(withoutReplicas(desired, live, 'steward').spec).toEqual({ paused: false });
    expect(desired.spec).toEqual({ replicas: 3, paused: false });
  });
});
