/**
 * The event pipeline with its real parts (dedup, firing alerts, payloads, dispatcher) on a FakeClock, with a
 * sender that records what would be posted: matching, Alertmanager's fire / re-post / resolve cycle, labels.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeClock, settle } from '../../../src/engine/fake-clock.js';
import { createMetrics } from '../../../src/metrics/metrics.js';
import { Deduplicator } from '../../../src/notify/dedup.js';
import { Dispatcher } from '../../../src/notify/dispatcher.js';
import { FiringAlerts } from '../../../src/notify/firing.js';
import { compileFilters } from '../../../src/notify/match.js';
import { Notifier } from '../../../src/notify/notifier.js';
import type { HttpRequest } from '../../../src/notify/payload/common.js';
import type { ProviderTarget } from '../../../src/notify/provider.js';
import type { UsableAlert } from '../../../src/notify/registry.js';
import type { RecordedEvent } from '../../../src/reconcile/events.js';
import { alert, recorded, target } from './fixtures.js';

const RESEND = 60_000;

function pipeline(usable: UsableAlert[], labels?: Record<string, string>) {
  const clock = new FakeClock(Date.parse('2026-03-01T10:00:00Z'));
  const posted: HttpRequest[] = [];
  const lookups: string[] = [];
  const metrics = createMetrics({ defaultMetrics: false });
  const dispatcher = new Dispatcher({
    send: (req) => {
      posted.push(req);
      return Promise.resolve({ status: 200 });
    },
    clock,
    random: () => 0.5,
    maxRetries: 0,
    backoff: { baseMs: 1_000, maxMs: 1_000, jitter: 0 },
    maxRetryAfterMs: 0,
    maxQueued: 100,
    concurrency: 4,
    onOutcome: (d, o) =>
      metrics.notification(d.provider.namespace, d.provider.name, d.provider.type, o.result),
  });
  const notifier = new Notifier({
    usable: () => usable,
    ready: Promise.resolve(),
    dispatcher,
    dedup: new Deduplicator({ windowMs: 300_000 }),
    firing: new FiringAlerts(),
    metrics,
    log: pino({ level: 'silent' }),
    nowMs: () => clock.now(),
    match: { allowCrossNamespace: false },
    lookupLabels: (obj) => {
      lookups.push(obj.name);
      return Promise.resolve(labels);
    },
    resendMs: RESEND,
  });
  const send = async (...events: RecordedEvent[]) => {
    for (const e of events) notifier.listener({ ...e, timestamp: new Date(clock.now()) });
    await notifier.idle(1_000);
    await settle();
  };
  return { clock, posted, lookups, notifier, send, metrics };
}

function usable(
  spec: Record<string, unknown>,
  t: Partial<ProviderTarget> = {},
  name = 'on-call',
): UsableAlert {
  const a = alert(spec);
  return { key: `team-a/${name}`, alert: a, filters: compileFilters(a), provider: target(t) };
}

const failure = recorded();
const success = recorded({
  type: 'Normal',
  reason: 'ReconciliationSucceeded',
  message: 'Applied revision: x',
  metadata: {},
});

describe('Notifier', () => {
  it('returns from the listener at once and posts in the order events were recorded', async () => {
    const p = pipeline([usable({}, { type: 'generic' })]);
    // Nothing has been matched or posted when the listener returns: that work runs after it.
    p.notifier.listener(failure);
    expect(p.posted).toHaveLength(0);
    await p.send(success);
    expect(p.posted.map((r) => (JSON.parse(r.body) as { reason: string }).reason)).toEqual([
      'HealthCheckFailed',
      'ReconciliationSucceeded',
    ]);
  });

  it('sends nothing to a suspended Provider, and counts duplicates as dropped', async () => {
    const p = pipeline([
      usable({}, { type: 'generic', suspend: true }, 'quiet'),
      usable({}, { type: 'generic', name: 'loud' }, 'loud'),
    ]);
    await p.send(failure, failure, failure);
    expect(p.posted).toHaveLength(1);
    const text = await p.metrics.registry.metrics();
    expect(text).toContain(
      'steward_notifications_total{namespace="team-a",provider="loud",type="generic",result="dropped"} 2',
    );
    expect(text).not.toContain('provider="chat"');
  });

  it('looks labels up once per event, and only when a source needs them', async () => {
    const labelled = usable(
      { eventSources: [{ kind: 'Sync', name: '*', matchLabels: { tier: 'web' } }] },
      { type: 'generic' },
      'a',
    );
    const plain = usable({ eventSources: [{ kind: 'Sync', name: 'web' }] }, { type: 'generic' }, 'b');
    const p = pipeline([labelled, labelled, plain], { tier: 'web' });
    await p.send(failure);
    expect(p.lookups).toEqual(['web']);
    expect(p.posted).toHaveLength(2);
    const q = pipeline([plain]);
    await q.send(failure);
    expect(q.lookups).toEqual([]);
  });

  it('fires an Alertmanager alert, posts it again while it fails, and resolves it on recovery', async () => {
    const p = pipeline([
      usable({ eventSeverity: 'error' }, { type: 'alertmanager', address: 'http://am:9093' }),
    ]);
    const start = p.clock.now();
    await p.send(failure);
    const fired = JSON.parse(p.posted[0]?.body ?? '[]') as {
      labels: Record<string, string>;
      startsAt: string;
      endsAt: string;
    }[];
    expect(p.posted[0]?.url).toBe('http://am:9093/api/v2/alerts');
    expect(fired[0]?.labels.alertname).toBe('StewardReconciliationFailed');
    expect(Date.parse(fired[0]?.endsAt ?? '')).toBe(start + 3 * RESEND);

    await p.clock.advanceAsync(RESEND - 1);
    p.notifier.resendFiring();
    await settle();
    expect(p.posted).toHaveLength(1);
    await p.clock.advanceAsync(1);
    p.notifier.resendFiring();
    await settle();
    const again = JSON.parse(p.posted[1]?.body ?? '[]') as { startsAt: string; endsAt: string }[];
    expect(again[0]?.startsAt).toBe(fired[0]?.startsAt);
    expect(Date.parse(again[0]?.endsAt ?? '')).toBe(start + RESEND + 3 * RESEND);

    await p.clock.advanceAsync(5_000);
    await p.send(success);
    const resolved = JSON.parse(p.posted[2]?.body ?? '[]') as {
      labels: Record<string, string>;
      startsAt: string;
      endsAt: string;
    }[];
    expect(resolved[0]?.labels).toEqual(fired[0]?.labels);
    expect(resolved[0]?.startsAt).toBe(fired[0]?.startsAt);
    expect(Date.parse(resolved[0]?.endsAt ?? '')).toBe(p.clock.now());

    // Resolved: no more re-posts; information is not an alert.
    await p.clock.advanceAsync(RESEND);
    p.notifier.resendFiring();
    await p.send(
      recorded({ type: 'Normal', reason: 'CanaryProgressing', message: 'progress', metadata: {} }),
    );
    expect(p.posted).toHaveLength(3);
  });

  it("forgets a deleted Alert's state", async () => {
    const u = usable({}, { type: 'generic' });
    const p = pipeline([u]);
    await p.send(failure);
    p.notifier.forgetAlert(u.key);
    await p.send(failure);
    expect(p.posted).toHaveLength(2);
  });
});
