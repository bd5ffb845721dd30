/**
 * Duplicate suppression and failure episodes, per stream (one Alert and one object). Pure: time comes in.
 *
 * - Identical notifications (same event hash: object, reason, message, revision) within the window are dropped,
 *   as Flux's notification-controller rate limit does.
 * - A failure is sent once per failure episode: a failing Sync that retries with the same error does not
 *   re-alert, however long it keeps failing. A different error in the same episode is news and is sent.
 * - A success after a failure the stream was told about is a recovery: sent once, whatever the window and the
 *   Alert's filters say, so that every failure a user heard of is closed.
 *
 * The state tracks what the stream's receiver was told, not what the object did: a failure dropped as a
 * duplicate leaves the receiver believing the object is fine, so the success after it is no recovery.
 */
import type { EventClass } from './event.js';

/** What a sent notification means to its receiver. */
export type NotificationKind = 'failure' | 'recovery' | 'info';

export type Decision =
  | { action: 'send'; kind: NotificationKind }
  /** A duplicate: counted as dropped. */
  | { action: 'drop'; why: 'duplicate' | 'same-failure' }
  /** Filtered out by the Alert: not counted. */
  | { action: 'skip' };

export interface DedupInput {
  class: EventClass;
  hash: string;
  /** Whether the event passes the Alert's severity and message filters. */
  passesFilters: boolean;
}

export interface DedupOptions {
  windowMs: number;
  /** Streams kept; the least recently used are forgotten past it. */
  maxStreams?: number;
  /** Distinct errors remembered per failure episode. */
  maxEpisodeErrors?: number;
}

interface Stream {
  /** What the receiver was last told: the object fails, or it is fine; undefined before anything was sent. */
  view: 'failing' | 'ok' | undefined;
  /** Hashes of the errors sent in the current failure episode. */
  episode: string[];
  /** When each hash was last sent, for the window. */
  sent: Map<string, number>;
}

export class Deduplicator {
  private readonly streams = new Map<string, Stream>();
  private readonly maxStreams: number;
  private readonly maxEpisodeErrors: number;

  constructor(private readonly opts: DedupOptions) {
    this.maxStreams = opts.maxStreams ?? 10_000;
    this.maxEpisodeErrors = opts.maxEpisodeErrors ?? 32;
  }

  /** Decides about one event for one stream, and records the decision. */
  decide(key: string, input: DedupInput, nowMs: number): Decision {
    const s = this.touch(key, nowMs);
    switch (input.class) {
      case 'failure': {
        if (!input.passesFilters) return { action: 'skip' };
        if (s.view === 'failing' && s.episode.includes(input.hash))
          return { action: 'drop', why: 'same-failure' };
        if (this.recent(s, input.hash, nowMs)) return { action: 'drop', why: 'duplicate' };
        s.view = 'failing';
        s.episode.push(input.hash);
        if (s.episode.length > this.maxEpisodeErrors) s.episode.shift();
        s.sent.set(input.hash, nowMs);
        return { action: 'send', kind: 'failure' };
      }
      case 'success': {
        if (s.view === 'failing') {
          s.view = 'ok';
          s.episode = [];
          s.sent.set(input.hash, nowMs);
          return { action: 'send', kind: 'recovery' };
        }
        return this.info(s, input, nowMs);
      }
      case 'info':
        return this.info(s, input, nowMs);
    }
  }

  /** Forgets every stream whose key starts with `prefix` (an Alert deleted or changed). */
  forget(prefix: string): void {
    for (const key of this.streams.keys()) if (key.startsWith(prefix)) this.streams.delete(key);
  }

  /** Number of streams held (for tests and bounds). */
  size(): number {
    return this.streams.size;
  }

  private info(s: Stream, input: DedupInput, nowMs: number): Decision {
    if (!input.passesFilters) return { action: 'skip' };
    if (this.recent(s, input.hash, nowMs)) return { action: 'drop', why: 'duplicate' };
    s.sent.set(input.hash, nowMs);
    return { action: 'send', kind: 'info' };
  }

  private recent(s: Stream, hash: string, nowMs: number): boolean {
    const at = s.sent.get(hash);
    return at !== undefined && nowMs - at < this.opts.windowMs;
  }

  private touch(key: string, nowMs: number): Stream {
    let s = this.streams.get(key);
    if (s) {
      // Re-insert: Map order is insertion order, so the first key is the least recently used.
      this.streams.delete(key);
    } else {
      s = { view: undefined, episode: [], sent: new Map() };
    }
    this.streams.set(key, s);
    for (const [hash, at] of s.sent) if (nowMs - at >= this.opts.windowMs) s.sent.delete(hash);
    while (this.streams.size > this.maxStreams) {
      const oldest = this.streams.keys().next().value;
      if (oldest === undefined) break;
      this.streams.delete(oldest);
    }
    return s;
  }
}
