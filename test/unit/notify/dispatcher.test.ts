/**
 * The dispatcher driven by a FakeClock and a scripted sender (answers given in order per URL), so retries,
 * backoff, ordering and draining can be checked step by step.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock, settle } from '../../../src/engine/fake-clock.js';
import { type Delivery, type DeliveryOutcome, Dispatcher } from '../../../src/notify/dispatcher.js';
import { parseRetryAfter, type SendResult, verdictOf } from '../../../src/notify/http.js';

interface Harness {
  clock: FakeClock;
  dispatcher: Dispatcher;
  outcomes: { body: string; outcome: DeliveryOutcome }[];
  attempts: { body: string; at: number }[];
  /** Answers still held: resolve one to finish an attempt in flight. */
  pending: { body: string; answer: (r: SendResult) => void }[];
}

function harness(
  opts: {
    maxRetries?: number;
    maxQueued?: number;
    concurrency?: number;
    auto?: (body: string, n: number) => SendResult;
  } = {},
): Harness {
  const clock = new FakeClock(0);
  const h: Harness = {
    clock,
    dispatcher: undefined as unknown as Dispatcher,
    outcomes: [],
    attempts: [],
    pending: [],
  };
  const counts = new Map<string, number>();
  h.dispatcher = new Dispatcher({
    send: (req) => {
      const n = (counts.get(req.body) ?? 0) + 1;
      counts.set(req.body, n);
      h.attempts.push({ body: req.body, at: clock.now() });
      if (opts.auto) return Promise.resolve(opts.auto(req.body, n));
      return new Promise((resolve) => h.pending.push({ body: req.body, answer: resolve }));
    },
    clock,
    random: () => 0.5, // no jitter
    maxRetries: opts.maxRetries ?? 4,
    backoff: { baseMs: 1_000, maxMs: 30_000, jitter: 0.2 },
    maxRetryAfterMs: 60_000,
    maxQueued: opts.maxQueued ?? 100,
    concurrency: opts.concurrency ?? 8,
    onOutcome: (d, outcome) => h.outcomes.push({ body: d.request.body, outcome }),
  });
  return h;
}

function delivery(body: string, provider = 'chat'): Delivery {
  return {
    provider: { namespace: 'team-a', name: provider, type: 'generic' },
    request: { url: 'http://127.0.0.1:1/hook', headers: {}, body },
    timeoutMs: 1_000,
    subject: 'Sync/team-a/web HealthCheckFailed',
  };
}

describe('verdictOf', () => {
  it.each<[SendResult, string]>([
    [{ status: 200 }, 'sent'],
    [{ status: 204 }, 'sent'],
    [{ status: 429 }, 'retry'],
    [{ status: 500 }, 'retry'],
    [{ status: 503 }, 'retry'],
    [{ error: 'ECONNREFUSED' }, 'retry'],
    [{ error: 'timeout' }, 'retry'],
    [{ status: 400 }, 'fail'],
    [{ status: 401 }, 'fail'],
    [{ status: 404 }, 'fail'],
    [{ status: 302 }, 'fail'],
  ])('%j is %s', (result, verdict) => {
    expect(verdictOf(result)).toBe(verdict);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    [null, undefined],
    ['', undefined],
    ['7', 7_000],
    ['Thu, 01 Jan 1970 00:00:10 GMT', 9_000],
    ['soon', undefined],
  ])('%j is %j ms', (value, ms) => {
    expect(parseRetryAfter(value, 1_000)).toBe(ms);
  });
});

describe('Dispatcher', () => {
  it('retries 5xx and network errors with exponential backoff, then delivers', async () => {
    const h = harness({
      auto: (_b, n) => (n === 1 ? { status: 500 } : n === 2 ? { error: 'ECONNRESET' } : { status: 200 }),
    });
    h.dispatcher.enqueue(delivery('a'));
    await h.clock.advanceAsync(10_000);
    expect(h.attempts.map((a) => a.at)).toEqual([0, 1_000, 3_000]);
    expect(h.outcomes).toEqual([
      { body: 'a', outcome: { result: 'sent', attempts: 3, seconds: 3, detail: 'HTTP 200' } },
    ]);
  });

  it('does not retry a 4xx other than 429', async () => {
    const h = harness({ auto: () => ({ status: 404 }) });
    h.dispatcher.enqueue(delivery('a'));
    await h.clock.advanceAsync(60_000);
    expect(h.attempts).toHaveLength(1);
    expect(h.outcomes[0]?.outcome).toMatchObject({ result: 'failed', attempts: 1, detail: 'HTTP 404' });
  });

  it('gives up after maxRetries retries', async () => {
    const h = harness({ maxRetries: 2, auto: () => ({ status: 503 }) });
    h.dispatcher.enqueue(delivery('a'));
    await h.clock.advanceAsync(600_000);
    expect(h.attempts).toHaveLength(3);
    expect(h.outcomes[0]?.outcome).toMatchObject({ result: 'failed', attempts: 3, detail: 'HTTP 503' });
    expect(h.dispatcher.stats().held).toBe(0);
  });

  it("waits at least a 429's Retry-After", async () => {
    const h = harness({
      auto: (_b, n) => (n === 1 ? { status: 429, retryAfterMs: 7_000 } : { status: 200 }),
    });
    h.dispatcher.enqueue(delivery('a'));
    await h.clock.advanceAsync(20_000);
    expect(h.attempts.map((a) => a.at)).toEqual([0, 7_000]);
  });

  it("keeps a Provider's order while retrying, and does not hold up the others", async () => {
    const h = harness({
      auto: (body, n) => (body === 'slow-1' && n < 3 ? { status: 502 } : { status: 200 }),
    });
    h.dispatcher.enqueue(delivery('slow-1', 'down'));
    h.dispatcher.enqueue(delivery('slow-2', 'down'));
    h.dispatcher.enqueue(delivery('fast-1', 'up'));
    h.dispatcher.enqueue(delivery('fast-2', 'up'));
    await h.clock.advanceAsync(0);
    expect(h.outcomes.map((o) => o.body)).toEqual(['fast-1', 'fast-2']);
    await h.clock.advanceAsync(10_000);
    expect(h.outcomes.map((o) => o.body)).toEqual(['fast-1', 'fast-2', 'slow-1', 'slow-2']);
    expect(h.attempts.filter((a) => a.body === 'slow-2').map((a) => a.at)).toEqual([3_000]);
  });

  it('refuses deliveries past maxQueued and reports them failed', () => {
    const h = harness({ maxQueued: 2 });
    expect(h.dispatcher.enqueue(delivery('a'))).toBe(true);
    expect(h.dispatcher.enqueue(delivery('b'))).toBe(true);
    expect(h.dispatcher.enqueue(delivery('c'))).toBe(false);
    expect(h.outcomes).toEqual([
      { body: 'c', outcome: { result: 'failed', attempts: 0, seconds: 0, detail: 'queue full' } },
    ]);
  });

  it('runs at most `concurrency` attempts at once', async () => {
    const h = harness({ concurrency: 2 });
    for (const p of ['p1', 'p2', 'p3']) h.dispatcher.enqueue(delivery(p, p));
    await settle();
    expect(h.pending.map((p) => p.body)).toEqual(['p1', 'p2']);
    h.pending.shift()?.answer({ status: 200 });
    await settle();
    expect(h.pending.map((p) => p.body)).toEqual(['p2', 'p3']);
  });

  it('drains: waits for deliveries in flight, then fails what is left at the deadline', async () => {
    const h = harness();
    h.dispatcher.enqueue(delivery('a', 'one'));
    h.dispatcher.enqueue(delivery('b', 'one'));
    await settle();
    const drained = h.dispatcher.drain(2_000);
    h.pending.shift()?.answer({ status: 200 });
    await settle();
    // b is now in flight and never answers: the deadline aborts it.
    await h.clock.advanceAsync(2_000);
    h.pending.shift()?.answer({ error: 'aborted' });
    expect(await drained).toBe(0);
    await settle();
    expect(h.outcomes.map((o) => [o.body, o.outcome.result])).toEqual([
      ['a', 'sent'],
      ['b', 'failed'],
    ]);
    expect(h.dispatcher.enqueue(delivery('c'))).toBe(false);
  });

  it('drains: a delivery waiting for its retry is failed at the deadline', async () => {
    const h = harness({ auto: () => ({ status: 500 }) });
    h.dispatcher.enqueue(delivery('a'));
    h.dispatcher.enqueue(delivery('b'));
    await settle();
    const drained = h.dispatcher.drain(500);
    await h.clock.advanceAsync(500);
    expect(await drained).toBe(2);
    expect(h.outcomes.map((o) => [o.body, o.outcome.result, o.outcome.detail])).toEqual([
      ['a', 'failed', 'shutdown'],
      ['b', 'failed', 'shutdown'],
    ]);
    expect(h.dispatcher.stats().held).toBe(0);
  });
});
