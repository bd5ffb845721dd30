import { describe, expect, it } from 'vitest';
import { JITTER_FACTOR } from '../../../src/engine/leader.js';
import { microTime } from '../../../src/engine/lease.js';
import {
  type Candidate,
  candidate,
  type MemoryLeases,
  runFor,
  MemoryLeases as Store,
} from './leader-harness.js';

const LEASE = 15_000;
const DEADLINE = 10_000;
const RETRY = 2_000;
const MICRO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/** Two candidates where `a` leads and `b` follows, after `ms` of fake time. */
async function pair(store: MemoryLeases, ms = 5_000, random?: () => number): Promise<[Candidate, Candidate]> {
  const o = random ? { random } : {};
  const a = candidate(store, 'a', o);
  await store.clock.advanceAsync(0);
  const b = candidate(store, 'b', o);
  await runFor(store, ms, [a, b]);
  expect(a.elector.isLeader()).toBe(true);
  return [a, b];
}

function lastWriteBy(store: MemoryLeases, id: string): number {
  return store.writes.filter((w) => w.by === id).at(-1)?.at ?? Number.NaN;
}

describe('LeaderElector: acquiring and renewing', () => {
  it('creates an absent Lease at once and renews it every retryPeriod, keeping acquireTime', async () => {
    const store = new Store();
    const t0 = store.clock.now();
    const a = candidate(store, 'a');
    await store.clock.advanceAsync(0);
    expect(a.startedAt).toEqual([t0]);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.newLeaders).toEqual(['a']);
    expect(store.record()).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: microTime(t0),
      renewTime: microTime(t0),
      leaseTransitions: 0,
    });
    expect(store.lease()?.spec.renewTime).toMatch(MICRO);

    await runFor(store, 10_000, [a]);
    const gaps = store.writes.slice(2).map((w, i) => w.at - (store.writes[i + 1]?.at ?? 0));
    expect(gaps.every((g) => g === RETRY)).toBe(true);
    expect(store.writes.every((w) => w.record.acquireTime === microTime(t0))).toBe(true);
    expect(store.writes.every((w) => w.record.leaseTransitions === 0)).toBe(true);
    expect(store.record()?.renewTime).toBe(microTime(store.writes.at(-1)?.at ?? 0));
  });

  it('lets only one of two candidates that start together lead; the other follows and sees it', async () => {
    const store = new Store();
    const a = candidate(store, 'a');
    const b = candidate(store, 'b');
    const led = await runFor(store, 60_000, [a, b]);
    expect(led).toBe(600);
    const [leader, follower] = a.startedAt.length > 0 ? [a, b] : [b, a];
    expect(leader.startedAt).toHaveLength(1);
    expect(follower.startedAt).toEqual([]);
    expect(follower.newLeaders).toEqual([leader.id]);
    expect(follower.logs.some((l) => l.msg === 'failed to create lease')).toBe(true);
    expect(store.writes.every((w) => w.by === leader.id)).toBe(true);
  });
});

describe('LeaderElector: failover', () => {
  // Killed at different phases of the leader's 2 s renewal cycle; random 0 makes the follower poll every 2 s.
  it.each([0, 700, 1_300, 1_999])(
    'takes over within leaseDuration + retryPeriod of a leader killed %i ms into a cycle',
    async (phase) => {
      const store = new Store();
      const [a, b] = await pair(store, 6_000 + phase, () => 0);
      const killedAt = store.clock.now();
      a.kill();
      await a.done;
      expect(a.stoppedAt).toEqual([killedAt]);
      expect(a.leading?.aborted).toBe(true);
      await runFor(store, 30_000, [a, b]);
      const takeover = (b.startedAt[0] ?? Number.NaN) - killedAt;
      expect(takeover).toBeLessThanOrEqual(LEASE + RETRY);
      // Never before a full lease duration after the last renewal b could have seen.
      expect((b.startedAt[0] ?? 0) - lastWriteBy(store, 'a')).toBeGreaterThanOrEqual(LEASE);
      expect(store.record()).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    },
  );

  it('takes over within leaseDuration + 2.2 retryPeriods with client-go jitter', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const store = new Store();
      let x = seed;
      const [a, b] = await pair(store, 5_000 + seed * 333, () => {
        x = (x * 16807) % 2147483647;
        return x / 2147483647;
      });
      const killedAt = store.clock.now();
      a.kill();
      await runFor(store, 30_000, [a, b]);
      expect((b.startedAt[0] ?? Number.NaN) - killedAt).toBeLessThanOrEqual(
        LEASE + RETRY * (1 + JITTER_FACTOR),
      );
    }
  });

  it.each(['failing', 'hanging'] as const)(
    'stops a leader whose renewals keep %s after renewDeadline, before the Lease can expire',
    async (link) => {
      const store = new Store();
      const [a, b] = await pair(store);
      a.client.link = link;
      await runFor(store, 40_000, [a, b]);
      const lastRenewal = lastWriteBy(store, 'a');
      const stopped = a.stoppedAt[0] ?? Number.NaN;
      expect(stopped - lastRenewal).toBeLessThanOrEqual(RETRY + DEADLINE);
      expect(stopped - lastRenewal).toBeLessThan(LEASE);
      expect(a.leading?.aborted).toBe(true);
      expect((b.startedAt[0] ?? 0) - lastRenewal).toBeGreaterThanOrEqual(LEASE);
      expect(store.timeline.indexOf('stopped a')).toBeLessThan(store.timeline.indexOf('started b'));
      await a.done;
      // The link heals, but a lost leader does not come back without a new run.
      a.client.link = 'up';
      await runFor(store, 30_000, [a, b]);
      expect(a.startedAt).toHaveLength(1);
      expect(b.elector.isLeader()).toBe(true);
    },
  );

  it('release hands over at the follower’s next try, after the leader stopped', async () => {
    const store = new Store();
    const [a, b] = await pair(store, 5_000, () => 0);
    await a.elector.release();
    const releasedAt = store.clock.now();
    expect(store.record()).toMatchObject({
      holderIdentity: '',
      leaseDurationSeconds: 1,
      leaseTransitions: 0,
    });
    expect(store.timeline.slice(-2)).toEqual(['stopped a', 'write a -']);
    expect(a.elector.isLeader()).toBe(false);
    await a.done;
    await runFor(store, 5_000, [a, b]);
    expect((b.startedAt[0] ?? Number.NaN) - releasedAt).toBeLessThanOrEqual(RETRY);
    expect(store.record()).toMatchObject({
      holderIdentity: 'b',
      leaseDurationSeconds: 15,
      leaseTransitions: 1,
    });
    expect(b.newLeaders).toEqual(['a', 'b']);
  });

  it('release by a follower writes nothing and ends its campaign', async () => {
    const store = new Store();
    const [a, b] = await pair(store);
    const writes = store.writes.length;
    await b.elector.release();
    await b.done;
    expect(store.writes.filter((w) => w.by === 'b')).toEqual([]);
    await runFor(store, 60_000, [a, b]);
    expect(b.startedAt).toEqual([]);
    expect(store.writes.length).toBeGreaterThan(writes);
  });
});
