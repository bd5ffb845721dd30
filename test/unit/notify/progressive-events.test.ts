import { describe, expect, it } from 'vitest';
import { ProgressiveEvents } from '../../../src/notify/progressive-events.js';

const canary = (phase: string) => ({ kind: 'Canary', namespace: 'demo', name: 'web', phase });
const rollout = (phase: string) => ({ kind: 'Rollout', namespace: 'demo', name: 'api', phase });

function reasons(polls: { kind: string; namespace: string; name: string; phase: string }[][]): string[][] {
  const tracker = new ProgressiveEvents();
  return polls.map((phases) => tracker.observe(phases).map((e) => `${e.type} ${e.reason} ${e.object}`));
}

describe('ProgressiveEvents', () => {
  it.each([
    [
      'a canary rolled out and promoted',
      [
        [canary('Succeeded')],
        [canary('Progressing')],
        [canary('Progressing')],
        [canary('Promoting')],
        [canary('Succeeded')],
      ],
      [[], ['Normal CanaryProgressing Canary/demo/web'], [], [], ['Normal CanaryPromoted Canary/demo/web']],
    ],
    [
      'a canary that fails',
      [[canary('Progressing')], [canary('Failed')], [canary('Failed')]],
      [['Normal CanaryProgressing Canary/demo/web'], ['Warning CanaryFailed Canary/demo/web'], []],
    ],
    [
      'a canary already failed when first seen',
      [[canary('Failed')]],
      [['Warning CanaryFailed Canary/demo/web']],
    ],
    [
      'a steady canary says nothing, nor does Flagger initialising one',
      [[canary('Initializing')], [canary('Initialized')], [canary('Succeeded')]],
      [[], [], []],
    ],
    [
      'an Argo Rollout paused at a step, then healthy, then degraded',
      [
        [rollout('Healthy')],
        [rollout('Paused')],
        [rollout('Progressing')],
        [rollout('Healthy')],
        [rollout('Degraded')],
      ],
      [
        [],
        ['Normal CanaryProgressing Rollout/demo/api'],
        [],
        ['Normal CanaryPromoted Rollout/demo/api'],
        ['Warning CanaryFailed Rollout/demo/api'],
      ],
    ],
    [
      'two objects tracked apart',
      [
        [canary('Progressing'), rollout('Healthy')],
        [canary('Succeeded'), rollout('Degraded')],
      ],
      [
        ['Normal CanaryProgressing Canary/demo/web'],
        ['Normal CanaryPromoted Canary/demo/web', 'Warning CanaryFailed Rollout/demo/api'],
      ],
    ],
  ])('%s', (_name, polls, expected) => {
    expect(reasons(polls)).toEqual(expected);
  });

  it('names the object and the phase in the message', () => {
    const [e] = new ProgressiveEvents().observe([canary('Failed')]);
    expect(e?.message).toBe('Canary demo/web: rollout failed (Failed)');
  });
});
