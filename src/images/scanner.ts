/**
 * The shared registry tag scanner: one tag listing per image and credentials, whatever the number of
 * ImageRepositories that watch it. Concurrent scans of one key share the one request in flight; a completed
 * scan younger than the caller's `maxAgeMs` is answered from memory; a registry that said "429, come back in
 * 30 s" is not asked again by anyone before then; and bearer tokens are shared through one TokenCache, so 50
 * ImageRepositories with the same credentials make one token request per token lifetime.
 *
 * Flux scans once per ImageRepository and interval, each with its own requests. Steward shares scans between
 * objects (the key is the registry, repository, insecure flag and a keyed hash of the credentials, so tenants
 * with different credentials never share), sorts the tags itself, and drops names that are not valid tags.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { OciClient, OciError, type RegistryAuth, TokenCache } from '../sources/oci/index.js';
import type { ImageName } from './image-name.js';
import { normalizeTags, tagsRevision } from './scan-tags.js';

export { checkExclusionList, ExclusionListError, excludeTags } from './scan-exclusion.js';

export interface ScanRequest {
  image: ImageName;
  auth?: RegistryAuth;
  /** Plain HTTP to the registry. */
  insecure: boolean;
  /** The limit of the whole scan, every page and the token request included; also each request's limit. */
  timeoutMs: number;
  /**
   * A completed scan younger than this is reused. Pass a little less than the caller's interval (by its jitter):
   * a requeue that comes back early would otherwise find its own last scan fresh and scan every other interval.
   */
  maxAgeMs: number;
  /** A reconcile request (webhook, CLI): scan now, but still join a scan already in flight. */
  force?: boolean;
  /** This caller stops waiting; the scan itself is aborted only once every caller waiting on it stopped. */
  signal?: AbortSignal;
}

export interface ScanResult {
  /** Every valid tag, de-duplicated and sorted byte-wise, whatever the registry's order. Frozen, shared. */
  tags: readonly string[];
  /** Epoch ms the registry answered. */
  scannedAt: number;
  /** `sha256:<hex>` of `tags`: changes exactly when the tag list does. */
  revision: string;
  /** True when this call did not itself talk to the registry (joined a scan in flight, or reused one). */
  shared: boolean;
  /** How long the registry scan behind this result took. */
  durationMs: number;
  /** Names the registry listed that are not valid tags (never usable in an image reference), left out. */
  ignored: number;
}

export interface ImageScannerOptions {
  /** The clock (epoch ms) for maxAgeMs, Retry-After and token expiry. */
  now?: () => number;
  userAgent?: string;
  /** Shared with other OCI clients of the agent to share their tokens too. */
  tokenCache?: TokenCache;
  /** Keys remembered at most (least recently used go first). Default 10,000. */
  maxEntries?: number;
  /** Called after each registry scan with the HTTP requests it sent (token service included). */
  onRegistryRequests?: (registry: string, n: number) => void;
  /** The longest Retry-After remembered; a registry asking for more is asked again after this. Default 1 h. */
  maxRetryAfterMs?: number;
  /** The longest Retry-After a scan waits out itself before failing with rate_limited. Default 2 s. */
  maxRetryWaitMs?: number;
}

type Completed = Omit<ScanResult, 'shared'>;

interface Flight {
  promise: Promise<Completed>;
  controller: AbortController;
  waiters: number;
  settled: boolean;
}

interface Entry {
  client: OciClient | undefined;
  /** The timeout the client was built with; a caller with another gets a new client. */
  clientTimeoutMs: number;
  flight: Flight | undefined;
  completed: Completed | undefined;
  rateLimited: { error: OciError; untilMs: number } | undefined;
  lastUsedMs: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_RETRY_AFTER_MS = 3_600_000;

export class ImageScanner {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly tokens: TokenCache;
  private readonly maxEntries: number;
  private readonly maxRetryAfterMs: number;
  /** Keys the credentials' hashes, so a key that leaks cannot be brute-forced back to a short password. */
  private readonly keySecret = randomBytes(32);
  private sent = 0;

  constructor(private readonly opts: ImageScannerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.tokens = opts.tokenCache ?? new TokenCache();
    this.maxEntries = Math.max(1, opts.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  }

  /** Registry HTTP requests (token service included) sent so far by this scanner. */
  get requests(): number {
    return this.sent;
  }

  /** Keys remembered now (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The image's tags: from the scan in flight for the same key if there is one, else from a completed scan
   * younger than `maxAgeMs` (unless `force`), else from a new scan. Throws the OciError of the scan; a
   * `rate_limited` one is thrown again, without asking the registry, to every caller of the key that would
   * have started a new scan (forced ones included) until its Retry-After has passed.
   */
  async scan(req: ScanRequest): Promise<ScanResult> {
    const what = `listing tags of ${req.image.registry}/${req.image.repository}`;
    if (req.signal?.aborted) throw aborted(what);
    const now = this.now();
    const entry = this.touch(this.keyOf(req), now);
    if (entry.flight !== undefined) return this.wait(entry, entry.flight, req.signal, true, what);
    const done = entry.completed;
    if (!req.force && done !== undefined && now - done.scannedAt < req.maxAgeMs)
      return { ...done, shared: true };
    // Only a new scan is held back: a fresh answer from before the 429 is still good.
    const limited = entry.rateLimited;
    if (limited !== undefined) {
      if (now < limited.untilMs) throw remembered(limited.error, limited.untilMs - now);
      entry.rateLimited = undefined;
    }
    return this.wait(entry, this.start(entry, req), req.signal, false, what);
  }

  /** Drops what no caller asked for in the last `olderThanMs` (scans in flight and live rate limits stay). */
  forgetUnused(olderThanMs: number): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      const limited = entry.rateLimited !== undefined && now < entry.rateLimited.untilMs;
      if (entry.flight === undefined && !limited && now - entry.lastUsedMs >= olderThanMs) {
        this.entries.delete(key);
      }
    }
  }

  private start(entry: Entry, req: ScanRequest): Flight {
    if (entry.client === undefined || entry.clientTimeoutMs !== req.timeoutMs) {
      entry.client = new OciClient({
        registry: req.image.registry,
        insecure: req.insecure,
        ...(req.auth === undefined ? {} : { auth: req.auth }),
        timeoutMs: req.timeoutMs,
        tokenCache: this.tokens,
        now: this.now,
        ...(this.opts.userAgent === undefined ? {} : { userAgent: this.opts.userAgent }),
        ...(this.opts.maxRetryWaitMs === undefined ? {} : { maxRetryWaitMs: this.opts.maxRetryWaitMs }),
      });
      entry.clientTimeoutMs = req.timeoutMs;
    }
    const client = entry.client;
    const controller = new AbortController();
    const promise = this.list(client, req, controller.signal).then(
      (completed) => {
        entry.completed = completed;
        return completed;
      },
      (err: unknown) => {
        if (err instanceof OciError && err.code === 'rate_limited' && err.retryAfterMs !== undefined) {
          const waitMs = Math.min(err.retryAfterMs, this.maxRetryAfterMs);
          entry.rateLimited = { error: err, untilMs: this.now() + waitMs };
        }
        throw err;
      },
    );
    const flight: Flight = { promise, controller, waiters: 0, settled: false };
    promise
      .finally(() => {
        flight.settled = true;
        if (entry.flight === flight) entry.flight = undefined;
      })
      // Every caller may have stopped waiting; nobody else observes the outcome.
      .catch(() => undefined);
    entry.flight = flight;
    return flight;
  }

  private async list(client: OciClient, req: ScanRequest, signal: AbortSignal): Promise<Completed> {
    const before = client.requests;
    const started = performance.now();
    try {
      const listed = await client.listTags(req.image.repository, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(req.timeoutMs)]),
      });
      const { tags, ignored } = normalizeTags(listed);
      return Object.freeze({
        tags: Object.freeze(tags),
        scannedAt: this.now(),
        revision: tagsRevision(tags),
        durationMs: performance.now() - started,
        ignored,
      });
    } finally {
      const n = client.requests - before;
      this.sent += n;
      if (n > 0) this.opts.onRegistryRequests?.(client.registry, n);
    }
  }

  /** One caller's wait on a flight; the flight is aborted when its last caller stops waiting. */
  private wait(
    entry: Entry,
    flight: Flight,
    signal: AbortSignal | undefined,
    shared: boolean,
    what: string,
  ): Promise<ScanResult> {
    flight.waiters++;
    return new Promise<ScanResult>((resolve, reject) => {
      let waiting = true;
      const leave = (): void => {
        waiting = false;
        flight.waiters--;
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        if (!waiting) return;
        leave();
        if (flight.waiters === 0 && !flight.settled) {
          flight.controller.abort();
          // A later caller starts afresh rather than joining a scan that is being torn down.
          if (entry.flight === flight) entry.flight = undefined;
        }
        reject(aborted(what));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (completed) => {
          if (!waiting) return;
          leave();
          resolve({ ...completed, shared });
        },
        (err: unknown) => {
          if (!waiting) return;
          leave();
          reject(err);
        },
      );
    });
  }

  /** The entry of `key`, created if needed, moved to the most recently used end; evicts past maxEntries. */
  private touch(key: string, now: number): Entry {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = {
        client: undefined,
        clientTimeoutMs: 0,
        flight: undefined,
        completed: undefined,
        rateLimited: undefined,
        lastUsedMs: now,
      };
    } else {
      this.entries.delete(key);
    }
    entry.lastUsedMs = now;
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.evictOne(key);
    return entry;
  }

  /** Drops the least recently used key other than `keep`, preferring one with no scan in flight. */
  private evictOne(keep: string): void {
    let victim: string | undefined;
    for (const [key, entry] of this.entries) {
      if (key === keep) continue;
      victim ??= key;
      if (entry.flight === undefined) {
        victim = key;
        break;
      }
    }
    if (victim !== undefined) this.entries.delete(victim);
  }

  private keyOf(req: ScanRequest): string {
    const { username, password } = req.auth ?? {};
    const who =
      username === undefined && password === undefined
        ? 'anonymous'
        : createHmac('sha256', this.keySecret)
            .update(JSON.stringify([username ?? null, password ?? null]))
            .digest('hex');
    const scheme = req.insecure ? 'http' : 'https';
    return `${scheme}://${req.image.registry}/${req.image.repository}#${who}`;
  }
}

/** The remembered rate limit, with the wait that is left. */
function remembered(original: OciError, remainingMs: number): OciError {
  const seconds = Math.ceil(remainingMs / 1000);
  return new OciError('rate_limited', `${original.message}; not asking the registry again for ${seconds} s`, {
    retryAfterMs: remainingMs,
    ...(original.status === undefined ? {} : { status: original.status }),
  });
}

function aborted(what: string): OciError {
  return new OciError('network', `${what}: aborted`);
}
