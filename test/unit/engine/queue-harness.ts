import { FakeClock, settle } from '../../../src/engine/fake-clock.js';
import { type Outcome, type QueueOptions, WorkQueue } from '../../../src/engine/queue.js';

interface Pending {
  key: string;
  signal: AbortSignal;
  resolve: (o: Outcome) => void;
  reject: (err: unknown) => void;
}

/**
 * A WorkQueue on a FakeClock whose reconciles stay pending until the test settles them, recording every start,
 * the peak concurrency and any overlap of one key with itself.
 */
export function queueHarness(overrides: Partial<QueueOptions> = {}) {
  const clock = new FakeClock();
  const started: string[] = [];
  const pending: Pending[] = [];
  const errors: { key: string; err: unknown; failures: number; retryInMs: number }[] = [];
  const running = new Map<string, number>();
  let peak = 0;
  let overlaps = 0;

  const queue = new WorkQueue(
    (key, signal) => {
      started.push(key);
      running.set(key, (running.get(key) ?? 0) + 1);
      if ((running.get(key) ?? 0) > 1) overlaps++;
      peak = Math.max(
        peak,
        [...running.values()].reduce((a, b) => a + b, 0),
      );
      return new Promise<Outcome>((resolve, reject) => {
        const done = (): void => {
          running.set(key, (running.get(key) ?? 1) - 1);
          if (running.get(key) === 0) running.delete(key);
        };
        pending.push({
          key,
          signal,
          resolve: (o) => {
            done();
            resolve(o);
          },
          reject: (e) => {
            done();
            reject(e);
          },
        });
      });
    },
    {
      concurrency: 2,
      backoff: { baseMs: 1_000, maxMs: 16_000, jitter: 0 },
      random: () => 0.5,
      clock,
      onError: (key, err, retry) => errors.push({ key, err, ...retry }),
      ...overrides,
    },
  );

  const take = (key: string): Pending => {
    const i = pending.findIndex((p) => p.key === key);
    const p = pending[i];
    if (!p) throw new Error(`no reconcile of ${key} is pending`);
    pending.splice(i, 1);
    return p;
  };

  return {
    clock,
    queue,
    started,
    errors,
    pending,
    peak: () => peak,
    overlaps: () => overlaps,
    /** Completes the oldest pending reconcile of `key` and lets the queue react. */
    async succeed(key: string, outcome?: Outcome): Promise<void> {
      take(key).resolve(outcome);
      await settle();
    },
    async fail(key: string, err: unknown = new Error(`${key} failed`)): Promise<void> {
      take(key).reject(err);
      await settle();
    },
    signalOf(key: string): AbortSignal | undefined {
      return pending.find((p) => p.key === key)?.signal;
    },
    /** Milliseconds until the next timer fires. */
    nextDelay(): number | undefined {
      const at = clock.nextDueAt();
      return at === undefined ? undefined : at - clock.now();
    },
  };
}

export { settle };
