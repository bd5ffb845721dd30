import { describe, expect, it } from 'vitest';
import {
  podTemplateHash,
  statusEquals,
  statusFieldsV1,
} from '../../../../src/sandbox/simulator/workloads.js';
import type { Obj } from '../../../../src/sandbox/types.js';
import { loadFixtures, podTemplate } from './harness.js';

const fixtures = loadFixtures();

describe('helpers', () => {
  it.each([
    {
      a: { replicas: 1, conditions: [{ type: 'A' }] },
      b: { conditions: [{ type: 'A' }], replicas: 1 },
      equal: true,
    },
    { a: { replicas: 1, x: undefined }, b: { replicas: 1 }, equal: true },
    { a: { replicas: 1 }, b: { replicas: 2 }, equal: false },
    {
      a: { conditions: [{ type: 'A' }, { type: 'B' }] },
      b: { conditions: [{ type: 'B' }, { type: 'A' }] },
      equal: false,
    },
    { a: undefined, b: {}, equal: false },
  ])('statusEquals($a, $b) is $equal', ({ a, b, equal }) => {
    expect(statusEquals(a, b)).toBe(equal);
  });

  it('hashes a pod template like pod-template-hash: 10 characters, stable, key order ignored', () => {
    const h = podTemplateHash(podTemplate('web', 'nginx:1.27'));
    expect(h).toBe('6c9996dd98');
    expect(h).toMatch(/^[4-9bcdf]{10}$/);
    expect(
      podTemplateHash({
        spec: { containers: [{ image: 'nginx:1.27', name: 'web' }] },
        metadata: { labels: { app: 'web' } },
      }),
    ).toBe(h);
    expect(podTemplateHash(podTemplate('web', 'nginx:1.28'))).not.toBe(h);
  });

  it('names the fields a status write owns, conditions keyed by type except on Jobs', () => {
    const dep = fixtures.find((f) => f.file === 'deployment-available.yaml')?.expected as Obj;
    const available = {
      '.': {},
      'f:lastTransitionTime': {},
      'f:lastUpdateTime': {},
      'f:message': {},
      'f:reason': {},
      'f:status': {},
      'f:type': {},
    };
    expect(statusFieldsV1('Deployment', dep)).toEqual({
      'f:status': {
        'f:availableReplicas': {},
        'f:conditions': {
          '.': {},
          'k:{"type":"Available"}': available,
          'k:{"type":"Progressing"}': available,
        },
        'f:observedGeneration': {},
        'f:readyReplicas': {},
        'f:replicas': {},
        'f:updatedReplicas': {},
      },
    });
    const job = fixtures.find((f) => f.file === 'job-complete.yaml')?.expected as Obj;
    expect((statusFieldsV1('Job', job)['f:status'] as Obj)['f:conditions']).toEqual({});
  });
});
