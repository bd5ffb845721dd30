import { describe, expect, it } from 'vitest';
import { type FieldError, validateReceiver } from '../../../src/api/index.js';

function receiver(
  spec: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Receiver',
    metadata: { name: 'github-push', namespace: 'team-a' },
    spec: defined({
      type: 'github',
      secretRef: { name: 'webhook-token' },
      resources: [{ kind: 'GitRepository', name: 'app' }],
      ...spec,
    }),
    ...extra,
  };
}

/** Drops keys set to undefined: a test's way of leaving a key out, as a YAML file would. */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function errorsOf(obj: unknown): FieldError[] {
  const result = validateReceiver(obj);
  return result.ok ? [] : result.errors;
}

describe('validateReceiver', () => {
  it('fills the interval at which the Secret is re-read', () => {
    const r = validateReceiver(receiver({}));
    expect(r.ok && r.value.spec.interval).toBe('10m');
  });

  it.each([
    [{ events: ['push', 'ping'] }],
    [{ type: 'gitlab', events: ['Push Hook', 'Tag Push Hook'] }],
    [{ type: 'generic-hmac' }],
    [{ type: 'generic', suspend: true, interval: '1h' }],
    [{ resources: [{ apiVersion: 'steward.dev/v1alpha1', kind: 'Sync', name: 'app', namespace: 'team-a' }] }],
    [{ resources: [{ kind: 'Sync', name: '*', matchLabels: { 'app.kubernetes.io/part-of': 'shop' } }] }],
    [
      {
        resources: [
          { kind: 'HelmRepository', name: 'charts' },
          { kind: 'ImageRepository', name: 'web' },
        ],
      },
    ],
  ])('accepts %j', (spec) => {
    expect(errorsOf(receiver(spec))).toEqual([]);
  });

  it('accepts the status the agent writes', () => {
    const status = {
      observedGeneration: 1,
      webhookPath: `/hook/${'0'.repeat(64)}`,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Succeeded',
          message: 'Receiver initialized; its path is in status.webhookPath',
          lastTransitionTime: '2026-01-01T00:00:00Z',
          observedGeneration: 1,
        },
      ],
    };
    expect(errorsOf(receiver({}, { status }))).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, FieldError[]]>([
    [
      'an unknown type',
      { type: 'bitbucket' },
      [
        {
          path: 'spec.type',
          message: 'must be one of "github", "gitlab", "generic-hmac", "generic" (got "bitbucket")',
        },
      ],
    ],
    ['no secretRef', { secretRef: undefined }, [{ path: 'spec.secretRef', message: 'is required' }]],
    [
      'no resources',
      { resources: [] },
      [{ path: 'spec.resources', message: 'must be a list of at least 1 items (got a list)' }],
    ],
    [
      'matchLabels with a name',
      { resources: [{ kind: 'Sync', name: 'app', matchLabels: { a: 'b' } }] },
      [{ path: 'spec.resources[0].matchLabels', message: 'needs name "*"' }],
    ],
    [
      '* without matchLabels',
      { resources: [{ kind: 'Sync', name: '*' }] },
      [{ path: 'spec.resources[0].name', message: '"*" needs matchLabels' }],
    ],
    [
      "a Flux resource's apiVersion",
      { resources: [{ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'app' }] },
      [
        {
          path: 'spec.resources[0].apiVersion',
          message: 'must be "steward.dev/v1alpha1" (got "source.toolkit.fluxcd.io/v1")',
        },
      ],
    ],
    [
      'events on a generic Receiver',
      { type: 'generic', events: ['push'] },
      [
        {
          path: 'spec.events',
          message: 'only github and gitlab Receivers filter by event (type is "generic")',
        },
      ],
    ],
    [
      'events on a generic-hmac Receiver',
      { type: 'generic-hmac', events: ['push'] },
      [
        {
          path: 'spec.events',
          message: 'only github and gitlab Receivers filter by event (type is "generic-hmac")',
        },
      ],
    ],
    [
      'a zero interval',
      { interval: '0s' },
      [{ path: 'spec.interval', message: 'must be greater than 0 (got "0s")' }],
    ],
  ])('refuses %s', (_what, spec, errors) => {
    expect(errorsOf(receiver(spec))).toEqual(errors);
  });

  it('accepts an empty events list on any type', () => {
    expect(errorsOf(receiver({ type: 'generic', events: [] }))).toEqual([]);
  });
});
