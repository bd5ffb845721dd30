/**
 * The garbage collector (kubernetes pkg/controller/garbagecollector), reduced to its observable contract:
 * - an owner removed: dependents whose owners are all gone are deleted (background propagation);
 * - an owner held by `foregroundDeletion`: its dependents are deleted first, then the finalizer goes;
 * - an owner held by `orphan`: the owner reference is removed from its dependents, then the finalizer goes;
 * - a dependent created with an owner uid that does not exist is deleted.
 */
import type { SandboxCore } from '../core.js';
import { deleteObject } from '../delete.js';
import type { StoreEvent } from '../store.js';
import type { Obj, OwnerReference, ResourceDef } from '../types.js';
import { meta } from '../types.js';
import { KeyedLoop } from './runner.js';

interface Ref {
  resource: string;
  namespace: string;
  name: string;
}

const refKey = (r: Ref) => `${r.resource}|${r.namespace}|${r.name}`;

export class GarbageCollector {
  readonly loop: KeyedLoop;
  /** uid -> where the object lives */
  private readonly byUid = new Map<string, Ref>();
  /** owner uid -> dependents */
  private readonly dependents = new Map<string, Map<string, Ref>>();

  constructor(
    private readonly core: SandboxCore,
    onError: (key: string, err: unknown) => void,
  ) {
    this.loop = new KeyedLoop((k) => this.sync(k), onError);
  }

  /** Indexes the current store contents (after a restore). */
  indexAll(): void {
    for (const resource of this.core.store.resources()) {
      for (const obj of this.core.store.list(resource)) this.index(resource, obj, false);
    }
  }

  observe(e: StoreEvent): void {
    const m = meta(e.object);
    const uid = m.uid ?? '';
    if (e.type === 'DELETED') {
      this.byUid.delete(uid);
      for (const o of meta(e.object).ownerReferences ?? []) {
        this.dependents
          .get(o.uid)
          ?.delete(refKey({ resource: e.resource, namespace: e.namespace, name: e.name }));
        // An owner in foreground deletion waits for this dependent: look at it again.
        const owner = this.byUid.get(o.uid);
        if (owner) this.loop.enqueue(`owner|${refKey(owner)}`);
      }
      if (this.dependents.get(uid)?.size) this.loop.enqueue(`owner-gone|${uid}`);
      this.dependents.delete(uid);
      return;
    }
    this.index(e.resource, e.object, e.type === 'ADDED');
    const fin = m.finalizers ?? [];
    if (m.deletionTimestamp && (fin.includes('foregroundDeletion') || fin.includes('orphan'))) {
      this.loop.enqueue(`owner|${e.resource}|${e.namespace}|${e.name}`);
    }
  }

  private index(resource: string, obj: Obj, added: boolean): void {
    const m = meta(obj);
    const ref = { resource, namespace: m.namespace ?? '', name: m.name ?? '' };
    if (m.uid) this.byUid.set(m.uid, ref);
    for (const o of m.ownerReferences ?? []) {
      let deps = this.dependents.get(o.uid);
      if (!deps) {
        deps = new Map();
        this.dependents.set(o.uid, deps);
      }
      deps.set(refKey(ref), ref);
      if (added && !this.byUid.has(o.uid)) this.loop.enqueue(`dangling|${refKey(ref)}`);
    }
  }

  private defOf(resource: string): ResourceDef | undefined {
    const [group, plural] = resource.split('/') as [string, string];
    return this.core.def(group, plural);
  }

  private sync(key: string): void {
    const [kind, ...rest] = key.split('|');
    if (kind === 'owner-gone') {
      this.ownerGone(rest[0] ?? '');
    } else if (kind === 'owner') {
      this.ownerDeleting({ resource: rest[0] ?? '', namespace: rest[1] ?? '', name: rest[2] ?? '' });
    } else if (kind === 'dangling') {
      this.dependentCheck({ resource: rest[0] ?? '', namespace: rest[1] ?? '', name: rest[2] ?? '' });
    }
  }

  /** Deletes dependents whose owners no longer exist; strips dangling references where another owner lives. */
  private ownerGone(uid: string): void {
    for (const resource of this.core.store.resources()) {
      for (const obj of this.core.store.list(resource)) {
        if ((meta(obj).ownerReferences ?? []).some((o) => o.uid === uid)) this.settleDependent(resource, obj);
      }
    }
  }

  private dependentCheck(ref: Ref): void {
    const obj = this.core.store.get(ref.resource, ref.namespace, ref.name);
    if (obj) this.settleDependent(ref.resource, obj);
  }

  private settleDependent(resource: string, obj: Obj): void {
    const owners = meta(obj).ownerReferences ?? [];
    const alive = owners.filter((o) => this.byUid.has(o.uid));
    const def = this.defOf(resource);
    if (!def) return;
    if (alive.length === 0) {
      if (!meta(obj).deletionTimestamp) deleteObject(this.core, def, obj, { dryRun: false });
    } else if (alive.length < owners.length) {
      this.core.store.put(resource, { ...obj, metadata: { ...meta(obj), ownerReferences: alive } });
    }
  }

  private ownerDeleting(ref: Ref): void {
    const owner = this.core.store.get(ref.resource, ref.namespace, ref.name);
    if (!owner) return;
    const m = meta(owner);
    const uid = m.uid ?? '';
    const deps = [...(this.dependents.get(uid)?.values() ?? [])]
      .map((r) => ({ r, obj: this.core.store.get(r.resource, r.namespace, r.name) }))
      .filter((d): d is { r: Ref; obj: Obj } => d.obj !== undefined);
    const fin = m.finalizers ?? [];
    if (fin.includes('orphan')) {
      for (const { r, obj } of deps) {
        const refs = (meta(obj).ownerReferences ?? []).filter((o: OwnerReference) => o.uid !== uid);
        this.core.store.put(r.resource, { ...obj, metadata: { ...meta(obj), ownerReferences: refs } });
      }
      this.dropFinalizer(ref.resource, owner, 'orphan');
      return;
    }
    if (fin.includes('foregroundDeletion')) {
      for (const { r, obj } of deps) {
        const def = this.defOf(r.resource);
        if (def && !meta(obj).deletionTimestamp) {
          deleteObject(this.core, def, obj, { dryRun: false, propagationPolicy: 'Foreground' });
        }
      }
      const left = deps.filter(({ r }) => this.core.store.get(r.resource, r.namespace, r.name) !== undefined);
      if (left.length === 0) this.dropFinalizer(ref.resource, owner, 'foregroundDeletion');
    }
  }

  private dropFinalizer(resource: string, owner: Obj, finalizer: string): void {
    const current = this.core.store.get(resource, meta(owner).namespace ?? '', meta(owner).name ?? '');
    if (!current) return;
    const m = meta(current);
    const finalizers = (m.finalizers ?? []).filter((f) => f !== finalizer);
    const next = { ...current, metadata: { ...m, finalizers } };
    if (finalizers.length === 0 && m.deletionTimestamp) {
      this.core.store.put(resource, next);
      this.core.store.remove(resource, m.namespace ?? '', m.name ?? '');
    } else {
      this.core.store.put(resource, next);
    }
  }
}
