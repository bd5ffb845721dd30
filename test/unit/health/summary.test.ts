import { describe, expect, it } from 'vitest';
import {
  type Health,
  type HealthSummary,
  healthMessage,
  maxListedMessages,
  summarize,
} from '../../../src/health/index.js';

const current: Health = {
  status: 'Current',
  message: 'Deployment team-a/api: Deployment is available. Replicas: 2',
};
const rolling: Health = {
  status: 'InProgress',
  message: 'Deployment team-a/web: 1 of 3 updated replicas available',
};
const canaryFailed: Health = {
  status: 'Failed',
  message: 'Canary team-a/web: Failed: Canary analysis failed, Deployment scaled to zero.',
  phase: 'Failed',
};
const jobFailed: Health = {
  status: 'Failed',
  message: 'Job team-a/migrate: Job Failed. failed: 7/1: Job has reached the specified backoff limit',
};

describe('summarize', () => {
  it.each<{ name: string; results: { ref: string; health: Health }[]; expected: HealthSummary }>([
    { name: 'nothing to check', results: [], expected: { ready: true, failed: [], inProgress: [] } },
    {
      name: 'all current',
      results: [{ ref: 'Deployment/team-a/api', health: current }],
      expected: { ready: true, failed: [], inProgress: [] },
    },
    {
      name: 'failed and in progress are sorted apart',
      results: [
        { ref: 'Deployment/team-a/api', health: current },
        { ref: 'Deployment/team-a/web', health: rolling },
        { ref: 'Canary/team-a/web', health: canaryFailed },
      ],
      expected: {
        ready: false,
        failed: [{ ref: 'Canary/team-a/web', message: canaryFailed.message }],
        inProgress: [{ ref: 'Deployment/team-a/web', message: rolling.message }],
      },
    },
    {
      name: 'terminating, not found and unknown are still waited for; not found gets the ref',
      results: [
        {
          ref: 'Widget/team-a/a',
          health: { status: 'Terminating', message: 'Widget team-a/a: Resource scheduled for deletion' },
        },
        { ref: 'Widget/team-a/b', health: { status: 'NotFound', message: 'Resource not found' } },
        {
          ref: 'Pod/team-a/c',
          health: { status: 'Unknown', message: 'Pod team-a/c: unknown phase Unknown' },
        },
      ],
      expected: {
        ready: false,
        failed: [],
        inProgress: [
          { ref: 'Widget/team-a/a', message: 'Widget team-a/a: Resource scheduled for deletion' },
          { ref: 'Widget/team-a/b', message: 'Widget/team-a/b: Resource not found' },
          { ref: 'Pod/team-a/c', message: 'Pod team-a/c: unknown phase Unknown' },
        ],
      },
    },
  ])('$name', ({ results, expected }) => {
    expect(summarize(results)).toStrictEqual(expected);
  });
});

function issues(n: number, prefix: string): { ref: string; message: string }[] {
  return Array.from({ length: n }, (_, i) => ({ ref: `Widget/team-a/w${i}`, message: `${prefix} w${i}` }));
}

describe('healthMessage', () => {
  it.each<{ name: string; summary: HealthSummary; expected: string }>([
    {
      name: 'ready',
      summary: { ready: true, failed: [], inProgress: [] },
      expected: 'all health checks passed',
    },
    {
      name: 'one object in progress: its message alone',
      summary: {
        ready: false,
        failed: [],
        inProgress: [{ ref: 'Deployment/team-a/web', message: rolling.message }],
      },
      expected: 'Deployment team-a/web: 1 of 3 updated replicas available',
    },
    {
      name: 'a failed canary: the canary message',
      summary: {
        ready: false,
        failed: [{ ref: 'Canary/team-a/web', message: canaryFailed.message }],
        inProgress: [],
      },
      expected: 'Canary team-a/web: Failed: Canary analysis failed, Deployment scaled to zero.',
    },
    {
      name: 'one failure while others wait: the failure, the rest counted',
      summary: {
        ready: false,
        failed: [{ ref: 'Canary/team-a/web', message: canaryFailed.message }],
        inProgress: issues(2, 'waiting'),
      },
      expected:
        'Canary team-a/web: Failed: Canary analysis failed, Deployment scaled to zero. (2 more in progress)',
    },
    {
      name: 'several failures',
      summary: {
        ready: false,
        failed: [
          { ref: 'Canary/team-a/web', message: canaryFailed.message },
          { ref: 'Job/team-a/migrate', message: jobFailed.message },
        ],
        inProgress: [],
      },
      expected:
        'health check failed for 2 objects: Canary team-a/web: Failed: Canary analysis failed, Deployment scaled to zero.; ' +
        'Job team-a/migrate: Job Failed. failed: 7/1: Job has reached the specified backoff limit',
    },
    {
      name: 'several waiting',
      summary: { ready: false, failed: [], inProgress: issues(2, 'waiting') },
      expected: 'waiting for 2 objects: waiting w0; waiting w1',
    },
    {
      name: 'a long list is cut short',
      summary: { ready: false, failed: issues(maxListedMessages + 3, 'broken'), inProgress: [] },
      expected: `health check failed for ${maxListedMessages + 3} objects: broken w0; broken w1; broken w2; broken w3; broken w4; and 3 more`,
    },
  ])('$name', ({ summary, expected }) => {
    expect(healthMessage(summary)).toBe(expected);
  });
});
