/**
 * Delivery of notifications: a bounded queue with one lane per Provider, so a Provider's notifications arrive
 * in the order they were sent and one slow or dead endpoint holds up only its own lane. Each delivery is
 * retried with exponential backoff and jitter (429, 5xx and network errors) up to maxRetries times, each
 * attempt bounded by the Provider's timeout. Enqueueing never waits: reconciles are never slowed by delivery.
 * Time and randomness are passed in.
 */
import { type BackoffOptions, backoffDelay } from '../engine/backoff.js';
import type { Clock } from '../engine/clock.js';
import { type Sender, type SendResult, verdictOf } from './http.js';
import type { HttpRequest } from './payload/common.js';

/** The Provider a delivery goes to, as logs and metrics name it (never its address). */
export interface ProviderRef {
  namespace: string;
  name: string;
  type: string;
}

export interface Delivery {
  provider: ProviderRef;
  request: HttpRequest;
  timeoutMs: number;
  /** What is delivered, for logs: `Sync/default/app HealthCheckFailed`. */
  subject: string;
}

export interface DeliveryOutcome {
  result: 'sent' | 'failed';
  attempts: number;
  /** From the first attempt to the end of the last one. */
  seconds: number;
  /** The last answer: an HTTP status or an error code; `queue full` or `shutdown` when never or not finished. */
  detail: string;
}

export interface DispatcherOptions {
  send: Sender;
  clock: Clock;
  random: () => number;
  /** Attempts after the first (config notifications.maxRetries). */
  maxRetries: number;
  backoff: BackoffOptions;
  /** Upper bound for a server's Retry-After. */
  maxRetryAfterMs: number;
  /** Deliveries held at once (queued, in flight or waiting to retry), over all Providers. */
  maxQueued: number;
  /** Attempts in flight at once, over all Providers. */
  concurrency: number;
  onOutcome: (delivery: Delivery, outcome: DeliveryOutcome) => void;
  /** Told of each attempt that will be retried. */
  onRetry?: (delivery: Delivery, attempt: number, retryInMs: number, detail: string) => void;
}

interface Job extends Delivery {
  attempts: number;
  firstAttemptMs?: number;
}

interface Lane {
  jobs: Job[];
  /** An attempt of the head job is in flight, or waiting for its retry timer. */
  busy: boolean;
  timer?: unknown;
}

export class Dispatcher {
  private readonly lanes = new Map<string, Lane>();
  private readonly stop = new AbortController();
  private held = 0;
  private inFlight = 0;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: DispatcherOptions) {}

  /** Queues a delivery; false (and a `failed` outcome) when the queue is full or stopping. */
  enqueue(delivery: Delivery): boolean {
    if (this.stopping || this.held >= this.opts.maxQueued) {
      this.opts.onOutcome(delivery, {
        result: 'failed',
        attempts: 0,
        seconds: 0,
        detail: this.stopping ? 'shutdown' : 'queue full',
      });
      return false;
    }
    const key = `${delivery.provider.namespace}/${delivery.provider.name}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { jobs: [], busy: false };
      this.lanes.set(key, lane);
    }
    lane.jobs.push({ ...delivery, attempts: 0 });
    this.held += 1;
    this.pump();
    return true;
  }

  stats(): { held: number; inFlight: number; lanes: number } {
    return { held: this.held, inFlight: this.inFlight, lanes: this.lanes.size };
  }

  /**
   * Stops taking deliveries and waits up to `timeoutMs` for the held ones to finish; then aborts what is in
   * flight and fails the rest. Resolves with the number failed that way.
   */
  async drain(timeoutMs: number): Promise<number> {
    this.stopping = true;
    if (this.held > 0) {
      let timer: unknown;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = this.opts.clock.setTimeout(resolve, timeoutMs);
        }),
      ]);
      this.opts.clock.clearTimeout(timer);
    }
    this.stop.abort();
    let abandoned = 0;
    for (const lane of this.lanes.values()) {
      if (lane.timer !== undefined) this.opts.clock.clearTimeout(lane.timer);
      // The head of a busy lane is failed by its own attempt when the abort reaches it.
      const rest = lane.busy && lane.timer === undefined ? lane.jobs.slice(1) : lane.jobs;
      for (const job of rest) this.finish(job, 'failed', 'shutdown');
      abandoned += rest.length;
      lane.jobs = lane.busy && lane.timer === undefined ? lane.jobs.slice(0, 1) : [];
    }
    return abandoned;
  }

  private pump(): void {
    for (const [key, lane] of this.lanes) {
      if (this.inFlight >= this.opts.concurrency) return;
      if (lane.busy) continue;
      const job = lane.jobs[0];
      if (!job) {
        this.lanes.delete(key);
        continue;
      }
      lane.busy = true;
      void this.attempt(lane, job);
    }
  }

  private async attempt(lane: Lane, job: Job): Promise<void> {
    this.inFlight += 1;
    job.attempts += 1;
    job.firstAttemptMs ??= this.opts.clock.now();
    let result: SendResult;
    try {
      result = await this.opts.send(job.request, job.timeoutMs, this.stop.signal);
    } catch {
      // A Sender must not throw; if one does, treat it as a request without an answer.
      result = { error: 'send failed' };
    }
    this.inFlight -= 1;
    const detail = 'error' in result ? result.error : `HTTP ${result.status}`;
    const verdict = verdictOf(result);
    if (verdict === 'retry' && job.attempts <= this.opts.maxRetries && !this.stop.signal.aborted) {
      const backoff = backoffDelay(job.attempts - 1, this.opts.backoff, this.opts.random);
      const asked = 'status' in result ? result.retryAfterMs : undefined;
      const delay = Math.max(backoff, Math.min(asked ?? 0, this.opts.maxRetryAfterMs));
      this.opts.onRetry?.(job, job.attempts, delay, detail);
      lane.timer = this.opts.clock.setTimeout(() => {
        delete lane.timer;
        lane.busy = false;
        this.pump();
      }, delay);
      this.pump();
      return;
    }
    lane.jobs.shift();
    lane.busy = false;
    this.finish(job, verdict === 'sent' ? 'sent' : 'failed', detail);
    this.pump();
  }

  private finish(job: Job, result: 'sent' | 'failed', detail: string): void {
    this.held -= 1;
    const seconds =
      job.firstAttemptMs === undefined ? 0 : (this.opts.clock.now() - job.firstAttemptMs) / 1000;
    this.opts.onOutcome(job, { result, attempts: job.attempts, seconds, detail });
    if (this.held === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
