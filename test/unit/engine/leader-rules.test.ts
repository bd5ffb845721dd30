import { describe, expect, it } from 'vitest';
import type { LeaderElectorOptions } from '../../../src/engine/leader.js';
import { LeaderElector } from '../../../src/engine/leader.js';
import { type LeaseRecord, microTime } from '../../../src/engine/lease.js';
import { candidate, MemoryLeases, runFor } from './leader-harness.js';

const LEASE = 15_000;
const RETRY = 2_000;

function held(holder: string, at: number, transitions = 0): LeaseRecord {
  return {
    holderIdentity: holder,
    leaseDurationSeconds: 15,
    acquireTime: microTime(at),
    renewTime: microTime(at),
    leaseTransitions: transitions,
  };
}

/** A process outside the test that renews the Lease every retryPeriod with a clock `skewMs` off ours. */
function foreignHolder(store: MemoryLeases, skewMs: number): () => void {
  let handle: unknown;
  const renew = () => {
    store.put(held('x', store.clock.now() + skewMs));
    handle = store.clock.setTimeout(renew, RETRY);
  };
  renew();
  return () => store.clock.clearTimeout(handle);
}

describe('LeaderElector: clock skew of the holder does not matter', () => {
  it.each([
    ['an hour behind', -3_600_000],
    ['a day ahead', 86_400_000],
  ])(
    'leaves a renewing holder whose clock is %s alone, and takes over a lease duration after it stops',
    async (_, skew) => {
      const store = new MemoryLeases();
      const stopForeign = foreignHolder(store, skew);
      const a = candidate(store, 'a');
      await runFor(store, 60_000, [a]);
      expect(a.startedAt).toEqual([]);
      expect(a.newLeaders).toEqual(['x']);
      stopForeign();
      const last = store.writes.at(-1)?.at ?? 0;
      await runFor(store, 30_000, [a]);
      const takeover = (a.startedAt[0] ?? Number.NaN) - last;
      expect(takeover).toBeGreaterThanOrEqual(LEASE);
      expect(takeover).toBeLessThanOrEqual(LEASE + 2.2 * RETRY);
    },
  );

  it('does not wait for a renewTime far in the future that never changes', async () => {
    const store = new MemoryLeases();
    const at = store.clock.now();
    store.put(held('x', at + 86_400_000));
    const a = candidate(store, 'a');
    await runFor(store, 20_000, [a], 10);
    expect(a.startedAt).toEqual([at + LEASE]);
  });
});

describe('LeaderElector: Lease bookkeeping', () => {
  it('counts transitions on each change of holder, not on renewals', async () => {
    const store = new MemoryLeases();
    const a = candidate(store, 'a');
    await store.clock.advanceAsync(0);
    const b = candidate(store, 'b');
    await runFor(store, 10_000, [a, b]);
    await a.elector.release();
    await runFor(store, 10_000, [a, b]);
    b.kill();
    const c = candidate(store, 'c');
    await runFor(store, 40_000, [a, b, c]);
    const holders = store.writes.map((w) => `${w.record.holderIdentity || '-'}:${w.record.leaseTransitions}`);
    expect([...new Set(holders)]).toEqual(['a:0', '-:0', 'b:1', 'c:2']);
    expect(c.newLeaders).toEqual(['b', 'c']);
    // acquireTime marks the start of each term and stays through its renewals.
    const cTerm = store.writes.filter((w) => w.by === 'c');
    expect(new Set(cTerm.map((w) => w.record.acquireTime))).toEqual(
      new Set([microTime(c.startedAt[0] ?? 0)]),
    );
  });

  it('keeps leading through a conflict caused by an unrelated write to the Lease', async () => {
    const store = new MemoryLeases();
    const a = candidate(store, 'a');
    await runFor(store, 3_000, [a]);
    const record = store.record();
    if (record) store.put(record, 'kubectl');
    await runFor(store, 10_000, [a]);
    expect(a.logs.map((l) => l.msg)).toContain('failed to update lease');
    expect(a.stoppedAt).toEqual([]);
    expect(a.elector.isLeader()).toBe(true);
    expect(store.writes.at(-1)?.by).toBe('a');
  });

  it('stops at its next renewal, not after renewDeadline, when it sees another holder took the Lease', async () => {
    const store = new MemoryLeases();
    const a = candidate(store, 'a');
    await runFor(store, 3_000, [a]);
    const takenAt = store.clock.now();
    store.put(held('x', takenAt, 1));
    // A forced write outside the protocol: `a` may believe it leads until its next renewal.
    await store.clock.advanceAsync(5_000);
    expect((a.stoppedAt[0] ?? Number.NaN) - takenAt).toBeLessThanOrEqual(RETRY);
    expect(a.logs.find((l) => l.msg === 'failed to renew lease, stopping leading')?.fields).toMatchObject({
      holder: 'x',
      lease: 'steward-system/steward-leader',
      identity: 'a',
    });
    expect(store.record()?.holderIdentity).toBe('x');
  });

  it('stops leading by the end of its own lease even when retryPeriod + renewDeadline run past it', async () => {
    const store = new MemoryLeases();
    const a = candidate(store, 'a', { renewDeadlineMs: 14_000 });
    await runFor(store, 3_000, [a]);
    a.client.link = 'failing';
    await runFor(store, 20_000, [a]);
    const lastRenewal = store.writes.at(-1)?.at ?? Number.NaN;
    expect((a.stoppedAt[0] ?? Number.NaN) - lastRenewal).toBe(LEASE);
  });

  it('does not hang release on a stalled connection for more than a retryPeriod', async () => {
    const store = new MemoryLeases();
    const a = candidate(store, 'a');
    await runFor(store, 3_000, [a]);
    a.client.link = 'hanging';
    await store.clock.advanceAsync(RETRY);
    a.client.link = 'up';
    const release = a.elector.release();
    await store.clock.advanceAsync(RETRY);
    await release;
    expect(store.record()?.holderIdentity).toBe('');
  });

  it('refuses a second concurrent run', async () => {
    const store = new MemoryLeases();
    const a = candidate(store, 'a');
    await expect(a.elector.run(new AbortController().signal)).rejects.toThrow('already running');
    a.kill();
    await a.done;
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])(
    'never starts leading when aborted %i ticks into acquiring',
    async (ticks) => {
      const store = new MemoryLeases();
      const a = candidate(store, 'a');
      for (let i = 0; i < ticks; i++) await Promise.resolve();
      a.kill();
      await a.done;
      await runFor(store, 1_000, [a]);
      expect(a.elector.isLeader()).toBe(false);
      expect(a.startedAt).toEqual(a.stoppedAt);
    },
  );
});

describe('LeaderElector: settings', () => {
  const base: LeaderElectorOptions = {
    namespace: 'ns',
    name: 'lease',
    identity: 'me',
    leaseDurationMs: LEASE,
    renewDeadlineMs: 10_000,
    retryPeriodMs: RETRY,
    clock: new MemoryLeases().clock,
    onStartedLeading: () => {},
    onStoppedLeading: () => {},
  };
  it.each([
    [{ identity: '' }, 'identity must not be empty'],
    [{ leaseDurationMs: 10_000 }, 'leaseDuration must be greater than renewDeadline'],
    [{ renewDeadlineMs: 2_400 }, 'renewDeadline must be greater than retryPeriod*1.2'],
    [{ retryPeriodMs: 0 }, 'retryPeriod must be greater than zero'],
    [{ leaseDurationMs: 900, renewDeadlineMs: 800, retryPeriodMs: 100 }, 'leaseDuration must be at least 1s'],
  ])('rejects %o', (o, why) => {
    expect(() => new LeaderElector(new MemoryLeases().client('me'), { ...base, ...o })).toThrow(why);
  });

  it('accepts client-go’s defaults and the shortened test timing', () => {
    expect(() => new LeaderElector(new MemoryLeases().client('me'), base)).not.toThrow();
    const short = { ...base, leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };
    expect(() => new LeaderElector(new MemoryLeases().client('me'), short)).not.toThrow();
  });
});
