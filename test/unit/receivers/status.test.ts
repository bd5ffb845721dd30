import { describe, expect, it } from 'vitest';
import { receiverStatus, statusChanged } from '../../../src/receivers/status.js';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:10:00Z';
const PATH = `/hook/${'a'.repeat(64)}`;

describe('receiverStatus', () => {
  it('is Ready with the webhook path when the token was read', () => {
    const s = receiverStatus([], { kind: 'ready', webhookPath: PATH }, { generation: 3, now: T0 });
    expect(s).toEqual({
      observedGeneration: 3,
      webhookPath: PATH,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Succeeded',
          message: 'Receiver initialized; its path is in status.webhookPath',
          observedGeneration: 3,
          lastTransitionTime: T0,
        },
      ],
    });
    expect(s.conditions[0]?.message).not.toContain(PATH);
  });

  it('is not Ready, and reconciling, without a token; the path goes', () => {
    const ready = receiverStatus([], { kind: 'ready', webhookPath: PATH }, { generation: 1, now: T0 });
    const s = receiverStatus(
      ready.conditions,
      { kind: 'token-missing', message: "secret 'team-a/hook-token' not found" },
      { generation: 1, now: T1 },
    );
    expect(s.webhookPath).toBeUndefined();
    expect(s.conditions.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime])).toEqual([
      ['Ready', 'False', 'TokenNotFound', T1],
      ['Reconciling', 'True', 'TokenNotFound', T1],
    ]);
    expect(s.conditions[0]?.message).toBe("secret 'team-a/hook-token' not found");
  });

  it('stalls on an invalid spec', () => {
    const s = receiverStatus([], { kind: 'invalid', message: 'invalid spec: x' }, { generation: 2, now: T0 });
    expect(s.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'False', 'ValidationFailed'],
      ['Stalled', 'True', 'ValidationFailed'],
    ]);
  });

  it('keeps the transition time while Ready holds, and reports the request it handled', () => {
    const first = receiverStatus([], { kind: 'ready', webhookPath: PATH }, { generation: 1, now: T0 });
    const again = receiverStatus(
      first.conditions,
      { kind: 'ready', webhookPath: PATH },
      { generation: 1, now: T1, requested: 'r1' },
    );
    expect(again.conditions[0]?.lastTransitionTime).toBe(T0);
    expect(again.lastHandledReconcileAt).toBe('r1');
  });
});

describe('statusChanged', () => {
  const ready = receiverStatus([], { kind: 'ready', webhookPath: PATH }, { generation: 1, now: T0 });

  it('is false for the same status written by another replica at another time', () => {
    const other = receiverStatus([], { kind: 'ready', webhookPath: PATH }, { generation: 1, now: T1 });
    expect(statusChanged({ ...other }, ready)).toBe(false);
  });

  it.each([
    ['no status yet', undefined],
    ['another path', { ...ready, webhookPath: `/hook/${'b'.repeat(64)}` }],
    ['an older generation', { ...ready, observedGeneration: 0 }],
    ['another Ready status', { ...ready, conditions: [{ ...ready.conditions[0], status: 'False' }] }],
    ['another request handled', { ...ready, lastHandledReconcileAt: 'r0' }],
  ])('is true for %s', (_what, live) => {
    expect(statusChanged(live, ready)).toBe(true);
  });
});
