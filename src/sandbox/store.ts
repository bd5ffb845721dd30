/**
 * The sandbox's storage: an in-memory keyspace with one global resourceVersion counter, standing in for
 * etcd plus the watch cache. Every stored write gets the next resourceVersion; a bounded history of events
 * lets watches resume from a recent resourceVersion, and older ones get 410 Expired as from the watch cache.
 */
import type { Obj } from './types.js';
import { meta } from './types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A stored change, as the watch cache keeps it. */
export interface StoreEvent {
  type: WatchEventType;
  /** `group/plural` of the object (version-independent, like the storage prefix). */
  resource: string;
  namespace: string;
  name: string;
  rv: number;
  object: Obj;
  /** The object before the change (MODIFIED and DELETED), for selector transitions. */
  previous?: Obj;
}

export type StoreListener = (event: StoreEvent) => void;

/** Plain data that the state file holds. */
export interface StoreSnapshot {
  rv: number;
  objects: { resource: string; object: Obj }[];
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * Objects are frozen deep copies once stored: readers may hold them without copying, and a handler that
 * wants to change one has to build a new object, as with etcd.
 */
export class Store {
  private rv = 0;
  private readonly buckets = new Map<string, Map<string, Obj>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly historySize = 20_000) {}

  /** The resourceVersion of the latest stored write. */
  currentRV(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can still resume after. */
  oldestResumableRV(): number {
    const first = this.history[0];
    return first ? first.rv - 1 : this.rv;
  }

  get(resource: string, namespace: string, name: string): Obj | undefined {
    return this.buckets.get(resource)?.get(key(namespace, name));
  }

  /** All objects of a resource, optionally in one namespace, sorted by namespace then name as etcd's keys. */
  list(resource: string, namespace?: string): Obj[] {
    const bucket = this.buckets.get(resource);
    if (!bucket) return [];
    const out: Obj[] = [];
    for (const [k, v] of bucket) {
      if (namespace === undefined || k.startsWith(`${namespace}/`)) out.push(v);
    }
    return out.sort((a, b) => {
      const ka = `${meta(a).namespace ?? ''}/${meta(a).name ?? ''}`;
      const kb = `${meta(b).namespace ?? ''}/${meta(b).name ?? ''}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  }

  /** Resources that hold at least one object. */
  resources(): string[] {
    return [...this.buckets.entries()].filter(([, b]) => b.size > 0).map(([r]) => r);
  }

  /**
   * Stores `object` (create or replace) with the next resourceVersion and returns the stored copy.
   * The caller decides whether the write is a no-op before calling; every call here is a real write.
   */
  put(resource: string, object: Obj): Obj {
    const m = meta(object);
    const namespace = m.namespace ?? '';
    const name = m.name ?? '';
    let bucket = this.buckets.get(resource);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(resource, bucket);
    }
    const previous = bucket.get(key(namespace, name));
    this.rv += 1;
    const stored = deepFreeze(withRV(object, this.rv));
    bucket.set(key(namespace, name), stored);
    this.emit({
      type: previous ? 'MODIFIED' : 'ADDED',
      resource,
      namespace,
      name,
      rv: this.rv,
      object: stored,
      ...(previous ? { previous } : {}),
    });
    return stored;
  }

  /** Removes an object; the DELETED event carries its last state with a new resourceVersion. */
  remove(resource: string, namespace: string, name: string): Obj | undefined {
    const bucket = this.buckets.get(resource);
    const previous = bucket?.get(key(namespace, name));
    if (!bucket || !previous) return undefined;
    bucket.delete(key(namespace, name));
    this.rv += 1;
    const last = deepFreeze(withRV(previous, this.rv));
    this.emit({ type: 'DELETED', resource, namespace, name, rv: this.rv, object: last, previous });
    return last;
  }

  /** Events after `rv` for a resource, or undefined when the history no longer reaches back that far. */
  eventsSince(resource: string, rv: number): StoreEvent[] | undefined {
    if (rv < this.oldestResumableRV()) return undefined;
    return this.history.filter((e) => e.rv > rv && e.resource === resource);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): StoreSnapshot {
    const objects: { resource: string; object: Obj }[] = [];
    for (const [resource, bucket] of this.buckets) {
      for (const object of bucket.values()) objects.push({ resource, object });
    }
    return { rv: this.rv, objects };
  }

  /** Loads a snapshot into an empty store. Watch history starts empty, so older watches get 410. */
  restore(snap: StoreSnapshot): void {
    for (const { resource, object } of snap.objects) {
      const m = meta(object);
      let bucket = this.buckets.get(resource);
      if (!bucket) {
        bucket = new Map();
        this.buckets.set(resource, bucket);
      }
      bucket.set(key(m.namespace ?? '', m.name ?? ''), deepFreeze(structuredClone(object)));
    }
    this.rv = snap.rv;
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historySize)
      this.history.splice(0, this.history.length - this.historySize);
    for (const l of this.listeners) l(event);
  }
}

function withRV(object: Obj, rv: number): Obj {
  const copy = structuredClone(object) as Obj;
  copy.metadata = { ...meta(copy), resourceVersion: String(rv) };
  return copy;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v as object)) deepFreeze(child);
  }
  return v;
}

/** A mutable deep copy of a stored (frozen) object. */
export function thaw<T>(v: T): T {
  return structuredClone(v);
}
