import { describe, expect, it } from 'vitest';
import { crdPending } from '../../../src/apply/crd-wait.js';
import {
  ApplyError,
  immutableFields,
  isImmutableError,
  objectError,
  retryOf,
} from '../../../src/apply/errors.js';
import { ReconcileError } from '../../../src/core/types.js';
import { KubeError } from '../../../src/kube/errors.js';

const ref = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'a', name: 'web' };

describe('isImmutableError', () => {
  it.each([
    [
      new KubeError(422, 'Invalid', 'x', {
        causes: [{ field: 'spec.selector', message: 'Invalid value: {}: field is immutable' }],
      }),
      true,
    ],
    [
      new KubeError(
        422,
        'Invalid',
        'StatefulSet.apps "db" is invalid: spec: Forbidden: updates to statefulset spec for fields other than \'replicas\' ... are forbidden',
      ),
      true,
    ],
    [
      new KubeError(
        422,
        'Invalid',
        'spec.template.spec.containers[0].name: Invalid value: "A": a lowercase RFC 1123 label',
      ),
      false,
    ],
    [new KubeError(409, 'Conflict', 'field is immutable'), false],
    [new Error('field is immutable'), false],
  ])('%#', (err, expected) => {
    expect(isImmutableError(err)).toBe(expected);
  });

  it('names the immutable fields from the causes', () => {
    const err = new KubeError(422, 'Invalid', 'x', {
      causes: [
        { field: 'spec.selector', message: 'field is immutable' },
        { field: 'spec.template.metadata.labels', message: 'Invalid value: selector does not match' },
      ],
    });
    expect(immutableFields(err)).toEqual(['spec.selector']);
  });
});

describe('retryOf', () => {
  it.each([
    [400, 'terminal'],
    [422, 'terminal'],
    [403, 'transient'],
    [404, 'transient'],
    [429, 'transient'],
    [503, 'transient'],
    [0, 'transient'],
  ])('%i is %s', (code, expected) => {
    expect(retryOf(new KubeError(code, 'X', 'm'))).toBe(expected);
  });
  it('treats unknown errors as transient', () => {
    expect(retryOf(new Error('boom'))).toBe('transient');
  });
});

describe('ApplyError', () => {
  const terminal = objectError(ref, 'dry-run failed', new KubeError(422, 'Invalid', 'bad'));
  const transient = objectError(
    { ...ref, name: 'api' },
    'apply failed',
    new KubeError(503, 'ServiceUnavailable', 'down'),
  );

  it('names the first failure and counts the others', () => {
    const e = new ApplyError([terminal, transient], { changes: [] });
    expect(e).toBeInstanceOf(ReconcileError);
    expect(e.message).toBe('Deployment/a/web dry-run failed: bad (and 1 more failed)');
    expect(e.subject).toBe('Deployment/a/web');
    expect(e.reason).toBe('ReconciliationFailed');
  });
  it('is transient if any failure is, terminal only if all are', () => {
    expect(new ApplyError([terminal, transient], { changes: [] }).retry).toBe('transient');
    expect(new ApplyError([terminal], { changes: [] }).retry).toBe('terminal');
  });
});

describe('crdPending', () => {
  it('lists the readiness conditions that are not True', () => {
    expect(crdPending(undefined)).toEqual(['NamesAccepted', 'Established']);
    const crd = {
      status: {
        conditions: [
          { type: 'NamesAccepted', status: 'True' },
          { type: 'Established', status: 'False' },
        ],
      },
    };
    expect(crdPending(crd)).toEqual(['Established']);
    crd.status.conditions[1] = { type: 'Established', status: 'True' };
    expect(crdPending(crd)).toEqual([]);
  });
});
