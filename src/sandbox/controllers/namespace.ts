/**
 * The namespace controller (kubernetes pkg/controller/namespace/deletion): once a Namespace is Terminating it
 * deletes every namespaced object in it, then removes the `kubernetes` finalizer through /finalize, and the
 * Namespace is purged when no finalizer remains.
 */
import type { SandboxCore } from '../core.js';
import { deleteObject } from '../delete.js';
import { storageKey } from '../registry.js';
import type { StoreEvent } from '../store.js';
import type { Obj, ResourceDef } from '../types.js';
import { isObj, meta } from '../types.js';
import { KeyedLoop } from './runner.js';

export class NamespaceController {
  readonly loop: KeyedLoop;

  constructor(
    private readonly core: SandboxCore,
    onError: (key: string, err: unknown) => void,
  ) {
    this.loop = new KeyedLoop((ns) => this.sync(ns), onError);
  }

  observe(e: StoreEvent): void {
    if (e.resource === '/namespaces') {
      if (meta(e.object).deletionTimestamp && e.type !== 'DELETED') this.loop.enqueue(e.name);
      else if (e.type === 'ADDED') this.loop.enqueue(`sa|${e.name}`);
      return;
    }
    if (e.namespace && e.type !== 'ADDED') {
      const nsDef = this.core.def('', 'namespaces');
      const ns = nsDef ? this.core.get(nsDef, '', e.namespace) : undefined;
      if (ns && meta(ns).deletionTimestamp) this.loop.enqueue(e.namespace);
    }
  }

  private namespacedDefs(): ResourceDef[] {
    const seen = new Set<string>();
    return this.core.registry.all().filter((d) => {
      if (!d.namespaced || seen.has(storageKey(d))) return false;
      seen.add(storageKey(d));
      return true;
    });
  }

  private sync(key: string): void {
    if (key.startsWith('sa|')) {
      this.defaultServiceAccount(key.slice(3));
      return;
    }
    const name = key;
    const nsDef = this.core.def('', 'namespaces');
    if (!nsDef) return;
    const ns = this.core.get(nsDef, '', name);
    if (!ns || !meta(ns).deletionTimestamp) return;
    let remaining = 0;
    for (const def of this.namespacedDefs()) {
      for (const obj of this.core.list(def, name)) {
        remaining += 1;
        if (!meta(obj).deletionTimestamp) deleteObject(this.core, def, obj, { dryRun: false });
      }
    }
    if (remaining > 0) {
      // Re-check once the deletions (and their garbage collection) have landed.
      const left = this.namespacedDefs().reduce((n, d) => n + this.core.list(d, name).length, 0);
      if (left > 0) return;
    }
    this.finalize(nsDef, ns);
  }

  /** The serviceaccount controller's job: every active namespace has a `default` ServiceAccount. */
  private defaultServiceAccount(namespace: string): void {
    const nsDef = this.core.def('', 'namespaces');
    const saDef = this.core.def('', 'serviceaccounts');
    const ns = nsDef ? this.core.get(nsDef, '', namespace) : undefined;
    if (!saDef || !ns || meta(ns).deletionTimestamp || this.core.get(saDef, namespace, 'default')) return;
    this.core.store.put(storageKey(saDef), {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'default',
        namespace,
        uid: this.core.newUid(),
        creationTimestamp: `${this.core.clock().toISOString().slice(0, 19)}Z`,
      },
    });
  }

  private finalize(nsDef: ResourceDef, ns: Obj): void {
    const spec = isObj(ns.spec) ? ns.spec : {};
    const specFinalizers = ((spec.finalizers as string[] | undefined) ?? []).filter(
      (f) => f !== 'kubernetes',
    );
    const m = meta(ns);
    const name = m.name ?? '';
    if ((m.finalizers ?? []).length === 0 && specFinalizers.length === 0) {
      this.core.store.remove(storageKey(nsDef), '', name);
      return;
    }
    const next = { ...ns, spec: { ...spec, finalizers: specFinalizers } };
    this.core.store.put(storageKey(nsDef), next);
  }
}
