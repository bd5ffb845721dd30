/**
 * The CRD controllers of apiextensions-apiserver, in one: names acceptance and the Established condition
 * (pkg/controller/status, establish), serving the kinds once established, and instance cleanup behind the
 * `customresourcecleanup.apiextensions.k8s.io` finalizer (pkg/controller/finalizer).
 */
import { crdResourceDefs } from '../builtins.js';
import type { SandboxCore } from '../core.js';
import { deleteObject } from '../delete.js';
import { rfc3339 } from '../objects.js';
import { storageKey } from '../registry.js';
import type { StoreEvent } from '../store.js';
import type { Obj } from '../types.js';
import { isObj, meta } from '../types.js';
import { KeyedLoop } from './runner.js';

const CRD_RESOURCE = 'apiextensions.k8s.io/customresourcedefinitions';
const CLEANUP = 'customresourcecleanup.apiextensions.k8s.io';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

export class CrdController {
  readonly loop: KeyedLoop;

  constructor(
    private readonly core: SandboxCore,
    onError: (key: string, err: unknown) => void,
  ) {
    this.loop = new KeyedLoop((name) => this.sync(name), onError);
  }

  /** Serves the kinds of every stored, established CRD (after a restore). */
  serveAll(): void {
    for (const crd of this.core.store.list(CRD_RESOURCE)) {
      if (!meta(crd).deletionTimestamp) this.core.registry.setCrd(meta(crd).name ?? '', crdResourceDefs(crd));
    }
  }

  observe(e: StoreEvent): void {
    if (e.resource === CRD_RESOURCE) {
      if (e.type === 'DELETED') this.core.registry.setCrd(e.name, []);
      else this.loop.enqueue(e.name);
      return;
    }
    // An instance went away: a CRD being deleted may now be empty.
    if (e.type === 'DELETED') {
      const [group, plural] = e.resource.split('/');
      const crdName = `${plural}.${group}`;
      const crd = this.core.store.get(CRD_RESOURCE, '', crdName);
      if (crd && meta(crd).deletionTimestamp) this.loop.enqueue(crdName);
    }
  }

  private sync(name: string): void {
    const crd = this.core.store.get(CRD_RESOURCE, '', name);
    if (!crd) return;
    if (meta(crd).deletionTimestamp) {
      this.cleanup(crd);
      return;
    }
    this.core.registry.setCrd(name, crdResourceDefs(crd));
    this.writeStatus(crd, [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
      {
        type: 'Established',
        status: 'True',
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ]);
  }

  private cleanup(crd: Obj): void {
    const name = meta(crd).name ?? '';
    const spec = isObj(crd.spec) ? crd.spec : {};
    const group = String(spec.group ?? '');
    const plural = isObj(spec.names) ? String(spec.names.plural ?? '') : '';
    this.writeStatus(crd, [
      {
        type: 'Terminating',
        status: 'True',
        reason: 'InstanceDeletionInProgress',
        message: 'CustomResource deletion is in progress',
      },
    ]);
    const def = this.core.registry.findAnyVersion(group, plural);
    const instances = def ? this.core.list(def) : [];
    for (const obj of instances) {
      if (def && !meta(obj).deletionTimestamp) deleteObject(this.core, def, obj, { dryRun: false });
    }
    const left = def ? this.core.list(def).length : 0;
    if (left > 0) return;
    this.core.registry.setCrd(name, []);
    const current = this.core.store.get(CRD_RESOURCE, '', name);
    if (!current) return;
    const finalizers = (meta(current).finalizers ?? []).filter((f) => f !== CLEANUP);
    const next = { ...current, metadata: { ...meta(current), finalizers } };
    this.core.store.put(CRD_RESOURCE, next);
    if (finalizers.length === 0) this.core.store.remove(CRD_RESOURCE, '', name);
  }

  private writeStatus(crd: Obj, updates: Condition[]): void {
    const status = isObj(crd.status) ? { ...crd.status } : {};
    const now = rfc3339(this.core.clock());
    const conditions = Array.isArray(status.conditions) ? [...(status.conditions as Condition[])] : [];
    let changed = false;
    for (const u of updates) {
      const i = conditions.findIndex((c) => c.type === u.type);
      const cur = i >= 0 ? conditions[i] : undefined;
      if (cur && cur.status === u.status && cur.reason === u.reason && cur.message === u.message) continue;
      const next: Condition = {
        ...u,
        lastTransitionTime: (cur && cur.status === u.status ? cur.lastTransitionTime : undefined) ?? now,
      };
      if (i >= 0) conditions[i] = next;
      else conditions.push(next);
      changed = true;
    }
    const spec = isObj(crd.spec) ? crd.spec : {};
    const versions = Array.isArray(spec.versions) ? (spec.versions as Obj[]) : [];
    const storage = versions.find((v) => v.storage === true)?.name;
    const stored = Array.isArray(status.storedVersions) ? (status.storedVersions as string[]) : [];
    if (typeof storage === 'string' && !stored.includes(storage)) {
      status.storedVersions = [...stored, storage];
      changed = true;
    }
    if (!status.acceptedNames || JSON.stringify(status.acceptedNames) !== JSON.stringify(spec.names)) {
      status.acceptedNames = spec.names;
      changed = true;
    }
    if (!changed) return;
    status.conditions = conditions;
    this.core.store.put(storageKey({ group: 'apiextensions.k8s.io', plural: 'customresourcedefinitions' }), {
      ...crd,
      status,
    });
  }
}
