import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/fake-clock.js';
import type { ObjectKey, ObjectPatcher } from '../../../src/receivers/trigger.js';
import { Triggerer, WRITE_SPACING_MS } from '../../../src/receivers/trigger.js';
import type { Target } from '../../../src/receivers/types.js';

const ANNOTATION = 'steward.dev/reconcile-requested-at';
const GV = 'steward.dev/v1alpha1';

/** An in-memory cluster: objects with labels and annotations, and a record of every patch. */
class FakeCluster implements ObjectPatcher {
  readonly objects = new Map<
    string,
    { labels: Record<string, string>; annotations: Record<string, string> }
  >();
  readonly patches: { ref: ObjectKey; patch: object }[] = [];
  /** Held patches finish when the test calls release(). */
  hold = false;
  private held: (() => void)[] = [];

  add(kind: string, namespace: string, name: string, labels: Record<string, string> = {}): void {
    this.objects.set(`${kind}/${namespace}/${name}`, { labels, annotations: {} });
  }

  release(): void {
    const h = this.held;
    this.held = [];
    for (const f of h) f();
  }

  async mergePatch(ref: ObjectKey, patch: object): Promise<boolean> {
    if (this.hold) await new Promise<void>((r) => this.held.push(r));
    this.patches.push({ ref, patch });
    const o = this.objects.get(`${ref.kind}/${ref.namespace}/${ref.name}`);
    if (!o) return false;
    const ann = (patch as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
    Object.assign(o.annotations, ann);
    return true;
  }

  async listNames(_apiVersion: string, kind: string, namespace: string, selector: string): Promise<string[]> {
    if (kind === 'HelmRepository') throw new Error('no matches for kind "HelmRepository"');
    const wanted = selector.split(',').map((kv) => kv.split('='));
    return [...this.objects.entries()]
      .filter(
        ([k, o]) =>
          k.startsWith(`${kind}/${namespace}/`) && wanted.every(([lk = '', lv]) => o.labels[lk] === lv),
      )
      .map(([k]) => k.split('/')[2] ?? '');
  }

  annotation(kind: string, namespace: string, name: string): string | undefined {
    return this.objects.get(`${kind}/${namespace}/${name}`)?.annotations[ANNOTATION];
  }
}

const named = (kind: string, name: string): Target => ({ apiVersion: GV, kind, namespace: 'ns', name });

describe('Triggerer', () => {
  it('sets the request annotation on each named object with a merge patch', async () => {
    const c = new FakeCluster();
    c.add('GitRepository', 'ns', 'app');
    c.add('Sync', 'ns', 'app');
    const t = new Triggerer(c, { clock: new FakeClock(), now: () => Date.UTC(2026, 0, 1) });
    const r = await t.trigger([named('GitRepository', 'app'), named('Sync', 'app')]);
    expect(r).toEqual({ requested: 2, failed: [] });
    expect(c.annotation('GitRepository', 'ns', 'app')).toBe('2026-01-01T00:00:00.000Z');
    // Same millisecond: the second write still gets a value of its own.
    expect(c.annotation('Sync', 'ns', 'app')).toBe('2026-01-01T00:00:00.001Z');
    expect(c.patches[0]?.patch).toEqual({
      metadata: { annotations: { [ANNOTATION]: '2026-01-01T00:00:00.000Z' } },
    });
  });

  it('expands name * to the labelled objects of the kind in the namespace', async () => {
    const c = new FakeCluster();
    c.add('Sync', 'ns', 'a', { team: 'x' });
    c.add('Sync', 'ns', 'b', { team: 'x', tier: 'web' });
    c.add('Sync', 'ns', 'c', { team: 'y' });
    c.add('Sync', 'other', 'd', { team: 'x' });
    const t = new Triggerer(c, { clock: new FakeClock(), now: () => 1 });
    const r = await t.trigger([
      { apiVersion: GV, kind: 'Sync', namespace: 'ns', matchLabels: { team: 'x' } },
    ]);
    expect(r.requested).toBe(2);
    expect(c.patches.map((p) => p.ref.name).sort()).toEqual(['a', 'b']);
  });

  it('reports objects it could not request, and requests the others', async () => {
    const c = new FakeCluster();
    c.add('Sync', 'ns', 'there');
    const t = new Triggerer(c, { clock: new FakeClock(), now: () => 1 });
    const r = await t.trigger([
      named('Sync', 'gone'),
      named('Sync', 'there'),
      { apiVersion: GV, kind: 'HelmRepository', namespace: 'ns', matchLabels: { a: 'b' } },
    ]);
    expect(r.requested).toBe(1);
    expect(r.failed).toEqual([
      { target: 'HelmRepository/ns/*[a=b]', error: 'no matches for kind "HelmRepository"' },
      { target: 'Sync/ns/gone', error: "Sync 'ns/gone' not found" },
    ]);
  });

  it('turns 20 concurrent calls into at most 2 writes per object', async () => {
    const c = new FakeCluster();
    c.add('GitRepository', 'ns', 'app');
    c.hold = true;
    const clock = new FakeClock();
    const t = new Triggerer(c, { clock, now: () => 5 });
    const calls = Array.from({ length: 20 }, () => t.trigger([named('GitRepository', 'app')]));
    await new Promise((r) => setImmediate(r));
    c.hold = false;
    c.release();
    await clock.advanceAsync(WRITE_SPACING_MS);
    const results = await Promise.all(calls);
    expect(results.every((r) => r.requested === 1 && r.failed.length === 0)).toBe(true);
    expect(t.writes()).toBe(2);
    expect(c.patches).toHaveLength(2);
    const values = c.patches.map(
      (p) =>
        (p.patch as { metadata: { annotations: Record<string, string> } }).metadata.annotations[ANNOTATION],
    );
    expect(new Set(values).size).toBe(2);
  });
});
