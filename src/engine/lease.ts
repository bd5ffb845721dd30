/**
 * The coordination.k8s.io/v1 Lease that leader election locks on, and a small client for it. client-go's
 * `resourcelock.LeaseLock` reads with GET, creates with POST and renews with a PUT that carries the
 * resourceVersion it read: that optimistic lock is what keeps two candidates from both winning, since the API
 * server answers 409 Conflict to the second writer. Server-side apply would not do: a forced apply never
 * conflicts.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { errorFromResponse, KubeError } from '../kube/errors.js';
import type { HttpResponse, RequestInit } from '../kube/transport.js';
import { Transport } from '../kube/transport.js';

/** A Lease's spec. Fields other than the five leader election owns (preferredHolder, strategy) are kept. */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** MicroTime, e.g. `2006-01-02T15:04:05.000000Z`. */
  acquireTime?: string;
  /** MicroTime; only its changes matter to other candidates, never its value. */
  renewTime?: string;
  leaseTransitions?: number;
  [field: string]: unknown;
}

/** A coordination.k8s.io/v1 Lease as plain JSON. */
export interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string; [field: string]: unknown };
  spec: LeaseSpec;
}

/**
 * client-go's `LeaderElectionRecord`: the election state a Lease spec holds, with every field filled in.
 * Times stay strings: candidates compare them for change and never read them as times.
 */
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

/** The three calls leader election makes. Each throws {@link KubeError}; `update` throws a 409 on a stale version. */
export interface LeaseClient {
  /** The Lease, or undefined when it does not exist. */
  get(namespace: string, name: string): Promise<Lease | undefined>;
  /** Creates the Lease; a 409 AlreadyExists means another candidate created it first. */
  create(lease: Lease): Promise<Lease>;
  /** Replaces the Lease, conditional on `metadata.resourceVersion`. */
  update(lease: Lease): Promise<Lease>;
}

/** Sends one request to the API server and returns its answer, as `Transport.request` does. */
export type RawRequest = (method: string, path: string, init?: RequestInit) => Promise<HttpResponse>;

export interface LeaseClientOptions {
  userAgent?: string;
  /** Act as this user, e.g. `system:serviceaccount:<namespace>:<name>`. */
  impersonate?: { user: string; groups?: string[] };
  /** Per request. Keep it under the renew deadline. Default 5 s. */
  timeoutMs?: number;
}

/** Formats epoch milliseconds as a metav1.MicroTime (RFC 3339, six fractional digits, UTC). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The record of a Lease nobody has held. */
export const NO_RECORD: Readonly<LeaseRecord> = Object.freeze({
  holderIdentity: '',
  leaseDurationSeconds: 0,
  acquireTime: '',
  renewTime: '',
  leaseTransitions: 0,
});

/** The record `identity` writes at local time `now` to acquire a Lease, or to renew it keeping `kept`. */
export function heldRecord(
  identity: string,
  durationSeconds: number,
  now: number,
  kept: Pick<LeaseRecord, 'acquireTime' | 'leaseTransitions'> | undefined,
): LeaseRecord {
  const at = microTime(now);
  return {
    holderIdentity: identity,
    leaseDurationSeconds: durationSeconds,
    acquireTime: kept?.acquireTime ?? at,
    renewTime: at,
    leaseTransitions: kept?.leaseTransitions ?? 0,
  };
}

/** client-go's release record: no holder and a one-second duration, so the next candidate need not wait. */
export function releasedRecord(current: LeaseRecord, now: number): LeaseRecord {
  const at = microTime(now);
  return {
    ...NO_RECORD,
    leaseDurationSeconds: 1,
    acquireTime: at,
    renewTime: at,
    leaseTransitions: current.leaseTransitions,
  };
}

/**
 * What one candidate knows of the Lease, on its own clock (client-go's observedRecord and observedTime): the
 * last record seen and when it was first seen. Remote times are never read, only compared for change.
 */
export class LeaseObservation {
  readonly #identity: string;
  readonly #now: () => number;
  #record: LeaseRecord = NO_RECORD;
  #raw = '';
  #at = 0;

  constructor(identity: string, now: () => number) {
    this.#identity = identity;
    this.#now = now;
  }

  get record(): LeaseRecord {
    return this.#record;
  }

  /** Notes a record read from the server; the lease clock restarts only when it differs from the last read. */
  read(record: LeaseRecord): void {
    const raw = JSON.stringify(record);
    if (raw === this.#raw) return;
    this.wrote(record);
    this.#raw = raw;
  }

  /** Notes a record this candidate wrote (or a release): it is the latest, as of now. */
  wrote(record: LeaseRecord): void {
    this.#record = record;
    this.#at = this.#now();
  }

  holding(): boolean {
    return this.#record.holderIdentity === this.#identity;
  }

  /** The other candidate the record names, if any. */
  otherHolder(): string | undefined {
    const holder = this.#record.holderIdentity;
    return holder !== '' && holder !== this.#identity ? holder : undefined;
  }

  /** Milliseconds until the observed lease expires on our clock (negative once it has). */
  expiresIn(now: number): number {
    return this.#at + this.#record.leaseDurationSeconds * 1000 - now;
  }
}

/** The election record of a Lease, as client-go's `LeaseSpecToLeaderElectionRecord` reads it. */
export function recordOf(lease: Lease): LeaseRecord {
  const s = lease.spec ?? {};
  return {
    holderIdentity: typeof s.holderIdentity === 'string' ? s.holderIdentity : '',
    leaseDurationSeconds: typeof s.leaseDurationSeconds === 'number' ? s.leaseDurationSeconds : 0,
    acquireTime: typeof s.acquireTime === 'string' ? s.acquireTime : '',
    renewTime: typeof s.renewTime === 'string' ? s.renewTime : '',
    leaseTransitions: typeof s.leaseTransitions === 'number' ? s.leaseTransitions : 0,
  };
}

/** `lease` with the record written into its spec; metadata (resourceVersion included) and other spec fields kept. */
export function withRecord(lease: Lease, record: LeaseRecord): Lease {
  return { ...lease, spec: { ...lease.spec, ...record } };
}

/** A Lease that does not exist yet, holding `record`. */
export function newLease(namespace: string, name: string, record: LeaseRecord): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace },
    spec: { ...record },
  };
}

/**
 * A {@link LeaseClient} over a kubeconfig (through the same Transport as the KubeClient) or over a raw request
 * function. Requests are not retried here: the elector retries every retryPeriod, and a retry that landed
 * after the elector gave up would only confuse the other candidates.
 */
export function leaseClient(source: KubeConfig | RawRequest, opts: LeaseClientOptions = {}): LeaseClient {
  const request: RawRequest = typeof source === 'function' ? source : transportRequest(source, opts);
  const collection = (ns: string) =>
    `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/leases`;
  const item = (ns: string, name: string) => `${collection(ns)}/${encodeURIComponent(name)}`;
  const send = async (method: string, path: string, lease: Lease): Promise<Lease> =>
    parseLease(await request(method, path, { body: JSON.stringify(lease), contentType: 'application/json' }));
  return {
    async get(namespace, name) {
      const res = await request('GET', item(namespace, name));
      return res.status === 404 ? undefined : parseLease(res);
    },
    create: (lease) => send('POST', collection(lease.metadata.namespace), lease),
    update(lease) {
      if (!lease.metadata.resourceVersion) {
        // Without it the PUT would be unconditional, and two candidates could both win.
        return Promise.reject(
          new KubeError(0, 'BadRequest', 'a Lease update needs metadata.resourceVersion'),
        );
      }
      return send('PUT', item(lease.metadata.namespace, lease.metadata.name), lease);
    },
  };
}

function transportRequest(kc: KubeConfig, opts: LeaseClientOptions): RawRequest {
  const transport = new Transport(kc, {
    userAgent: opts.userAgent ?? 'steward-leader-election',
    impersonate: opts.impersonate,
    timeoutMs: opts.timeoutMs ?? 5_000,
    retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterSeconds: 0 },
  });
  return (method, path, init) => transport.request(method, path, init);
}

function parseLease(res: HttpResponse): Lease {
  if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.body, res.retryAfter);
  let v: unknown;
  try {
    v = JSON.parse(res.body);
  } catch {
    // fall through to the error below
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !('metadata' in v)) {
    throw new KubeError(res.status, 'InvalidResponse', 'the server answered with a body that is not a Lease');
  }
  const lease = v as Lease;
  return { ...lease, spec: lease.spec ?? {} };
}
